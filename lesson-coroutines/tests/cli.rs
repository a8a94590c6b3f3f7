//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这个课程的每个文档标题都能找到一个例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-coroutines"),
        &lesson_coroutines::LESSON,
    );
}

#[test]
fn every_readme_title_names_one_example() {
    let titles =
        shared_testing::readme_titles(include_str!("../../README.md"), "lesson-coroutines");
    assert!(!titles.is_empty(), "README 里没有 lesson-coroutines 的表");
    let unresolved: Vec<_> = titles
        .iter()
        .filter(|t| shared::cli::resolve(&lesson_coroutines::LESSON, t).is_err())
        .collect();
    assert!(
        unresolved.is_empty(),
        "README 的标题找不到例子：{unresolved:?}"
    );
}
