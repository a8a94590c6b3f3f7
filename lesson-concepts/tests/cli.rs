//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的每个文档标题都能找到例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-concepts"),
        &lesson_concepts::LESSON,
    );
}

/// README 里这一课的表格：「文档标题」一列的每个标题都对应一个例子（或几个例子的共同标题）。
#[test]
fn every_readme_title_names_an_example() {
    let titles = shared_testing::readme_titles(include_str!("../../README.md"), "lesson-concepts");
    assert!(!titles.is_empty(), "README has a table for lesson-concepts");
    let lost: Vec<&String> = titles
        .iter()
        .filter(|t| shared::cli::resolve(&lesson_concepts::LESSON, t).is_err())
        .collect();
    let headings: Vec<&str> = lesson_concepts::EXAMPLES
        .iter()
        .map(|e| e.heading)
        .collect();
    assert!(
        lost.is_empty(),
        "README titles {lost:?} name no example; headings are {headings:?}"
    );
}
