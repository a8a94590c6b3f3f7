//! `cargo run -p lesson-concepts -- <例子>`：命令行在 `shared::cli` 里，这里只交出例子表。

fn main() -> std::process::ExitCode {
    shared::cli::main(&lesson_concepts::LESSON)
}
