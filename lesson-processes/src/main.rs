//! `cargo run -p lesson-processes -- <例子>`：命令行都在 `shared::cli` 里，这里只交出例子表。

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // 第一件事：子进程在这里运行父进程交来的函数，然后退出（Rust 的
    // `if __name__ == '__main__':`，见 `shared::process::init`）。父进程照常走命令行。
    if let Err(e) = shared::process::init() {
        // 标准错误写不出去时不 panic：退出码照样说明结局。
        let _ = writeln!(std::io::stderr(), "错误 (error)：{e}");
        return ExitCode::FAILURE;
    }
    shared::cli::main(&lesson_processes::LESSON)
}
