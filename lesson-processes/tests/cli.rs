//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的每个文档标题都能运行它的例子，或者被拒绝并说出它可能指的例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-processes"),
        &lesson_processes::LESSON,
    );
}

/// README 里这一课的表格：「文档标题」一列的每个标题都对应一个例子，
/// 或者是几个例子共同的标题（那时命令行拒绝它并说出是哪几个）。
#[test]
fn every_readme_title_names_an_example() {
    let titles = shared_testing::readme_titles(include_str!("../../README.md"), "lesson-processes");
    assert!(
        !titles.is_empty(),
        "README has a table for lesson-processes"
    );
    let base = |h: &'static str| h.split(" · ").next().unwrap_or(h);
    let lost: Vec<&String> = titles
        .iter()
        .filter(|t| {
            shared::cli::resolve(&lesson_processes::LESSON, t).is_err()
                && !lesson_processes::EXAMPLES
                    .iter()
                    .any(|e| base(e.heading) == t.as_str())
        })
        .collect();
    let headings: Vec<&str> = lesson_processes::EXAMPLES
        .iter()
        .map(|e| e.heading)
        .collect();
    assert!(
        lost.is_empty(),
        "README titles {lost:?} name no example; headings are {headings:?}"
    );
}
