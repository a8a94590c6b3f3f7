//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的表和例子表 `EXAMPLES` 一致，每个文档标题都找得到它的例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-coroutines"),
        &lesson_coroutines::LESSON,
    );
}

#[test]
fn the_readme_table_matches_the_examples() {
    shared_testing::check_readme_rows(include_str!("../../README.md"), &lesson_coroutines::LESSON);
}

/// `all` 被杀掉时，它正在运行的例子（一个子进程）跟着结束，不留在后台。时间比例 100：
/// blocking-sleep 要睡 300 秒，不是自己结束的。Linux 靠 `PR_SET_PDEATHSIG`，Windows 靠
/// 作业对象；看子进程在不在的测试帮手只有 Linux 和 Windows 的（macOS 没有这个机制，见 README）。
/// 在 Wine 里，作业对象结束的进程在 Windows 这边已经结束（`GetExitCodeProcess` 不再是
/// STILL_ACTIVE），它的 Linux 进程却会留下来停在一个管道上（Wine 8 的毛病；直接
/// `TerminateProcess` 的不会）：每跑一次这个测试，Wine 里多一个这样的进程，直到 wineserver 结束。
#[cfg(any(target_os = "linux", windows))]
#[test]
fn the_running_example_ends_with_all() {
    use std::io::{BufRead, BufReader};
    use std::time::Duration;

    let exe = env!("CARGO_BIN_EXE_lesson-coroutines");
    let mut all = shared_testing::lesson(exe, &["all"])
        .env("LESSON_TIME_SCALE", "100")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start all");
    let stdout = all.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let header = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.ends_with(" · blocking-sleep ==="));
    assert!(header.is_some(), "all reached blocking-sleep");
    // 等 blocking-sleep 的进程出现（它的标题是父进程在启动它之前打印的）。
    let mut children = Vec::new();
    for _ in 0..500 {
        children = shared_testing::descendants(all.id());
        if !children.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!children.is_empty(), "all's child process");
    all.kill().expect("kill all");
    all.wait().expect("reap all");
    let left = shared_testing::left_behind(&children, Duration::from_secs(10));
    assert!(left.is_empty(), "left behind: {left:?}");
}
