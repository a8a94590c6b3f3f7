//! `cargo run -p lesson-processes -- <例子>`：命令行都在 `shared::cli` 里，这里只交出例子表。

use std::process::ExitCode;

fn main() -> ExitCode {
    // 第一件事：看看自己是不是被父进程再启动的子进程。这就是 Python
    // `if __name__ == '__main__':` 的 Rust 版：子进程也从这个 main 开始，如果不先认出
    // 角色，它会照常解析命令行、运行例子、再启动子进程……没完没了。
    if let Some(code) = lesson_processes::child::main_if_child(lesson_processes::ROLES) {
        return code;
    }
    shared::cli::main(&lesson_processes::SECTION)
}
