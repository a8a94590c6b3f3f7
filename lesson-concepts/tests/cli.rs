//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的每个文档标题都能找到例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-concepts"),
        &lesson_concepts::LESSON,
    );
}
