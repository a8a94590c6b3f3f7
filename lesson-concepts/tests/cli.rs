//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的表和例子表 `EXAMPLES` 一致，每个文档标题都找得到它的例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-concepts"),
        &lesson_concepts::LESSON,
    );
}

#[test]
fn the_readme_table_matches_the_examples() {
    shared_testing::check_readme_rows(include_str!("../../README.md"), &lesson_concepts::LESSON);
}
