//! 进程：文档这一节的每个例子是一个模块，按文档顺序排列。

use shared::cli::{Example, Section};

/// 本课程的例子表，按文档顺序。
pub static EXAMPLES: &[Example] = &[];

/// 交给 `shared::cli::main` 的课程信息。
pub static SECTION: Section = Section {
    crate_name: env!("CARGO_PKG_NAME"),
    title: "进程",
    examples: EXAMPLES,
};
