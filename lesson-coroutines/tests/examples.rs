//! 每个例子都运行真实的二进制：检查文档里的输出行和顺序，以及文档的说法。

use std::time::Duration;

use shared_testing::{Output, all_secs, lesson, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-coroutines");

/// 用给定的时间比例运行一个例子，必须成功退出。
fn example(args: &[&str], scale: f64) -> Output {
    let mut cmd = lesson(EXE, args);
    cmd.env("LESSON_TIME_SCALE", scale.to_string());
    run(cmd, Duration::from_secs(60)).success()
}

/// 例子打印的 `总耗时: …秒.`，换算成文档里的秒（除以时间比例）。
fn total_units(out: &Output, scale: f64) -> f64 {
    match all_secs(&out.stdout, "总耗时: ")[..] {
        [total] => total / scale,
        _ => panic!("需要正好一行 总耗时\n{out}"),
    }
}

const W: &str = "Hello world!";
const A: &str = "Hello again!";
const SEPARATOR: [&str; 2] = ["", "—— 补充 (extra) ——"];

/// 分隔行之前的行（文档里有的），必须有分隔行。
fn document_part(out: &Output) -> Vec<&str> {
    let lines = out.lines();
    let at = lines
        .windows(2)
        .position(|w| w == SEPARATOR)
        .unwrap_or_else(|| panic!("没有分隔行\n{out}"));
    lines[..at].to_vec()
}

/// 文档的 `Hello … (线程)` 行：开头必须是 `heads`，括号里都是同一个线程（主线程）。
fn assert_hello_lines(lines: &[&str], heads: &[&str], out: &Output) {
    assert_eq!(lines.len(), heads.len(), "{out}");
    let thread = lines[0]
        .split_once(" (")
        .map(|(_, t)| t)
        .unwrap_or_default();
    assert!(thread.contains(r#"name: Some("main")"#), "{out}");
    for (line, head) in lines.iter().zip(heads) {
        assert_eq!(*line, format!("{head} ({thread}"), "{out}");
    }
}

#[test]
fn hello_prints_the_two_lines() {
    let out = example(&["hello"], 0.05);
    assert_eq!(out.lines(), [W, A], "{out}");
}

#[test]
fn hello_many_runs_three_coroutines_on_one_thread() {
    let out = example(&["hello-many"], 0.05);
    assert_hello_lines(&out.lines(), &[W, A, W, A, W, A], &out);
}

#[test]
fn blocking_and_wrapped_sleep_run_one_after_another() {
    let scale = 0.05;
    for name in ["blocking-sleep", "wrapped-sleep"] {
        let out = example(&[name], scale);
        // 串行：每个 world 之后紧跟它自己的 again，一共至少 3 秒（缩放后）。
        assert_hello_lines(&document_part(&out), &[W, A, W, A, W, A], &out);
        assert!(total_units(&out, scale) >= 2.97, "{name}\n{out}");
    }
}

#[test]
fn async_sleep_overlaps_the_three_sleeps() {
    // 比例大一点：机器很忙时，睡醒后等 CPU 可能要一两百毫秒（见过 177 毫秒），这段时间
    // 不随比例缩放，比例越大它占的份量越小。
    let scale = 0.4;
    let out = example(&["async-sleep"], scale);
    assert_hello_lines(&document_part(&out), &[W, W, W, A, A, A], &out);
    let total = total_units(&out, scale);
    // 三个 1 秒的睡眠重叠：约 1 秒，远小于串行的 3 秒，也小于 2 秒。
    assert!((0.99..1.75).contains(&total), "total {total}\n{out}");
}

#[test]
fn semaphore_never_lets_a_third_coroutine_in() {
    let scale = 0.4; // 理由同上；两段睡眠各可能晚醒一次
    let out = example(&["semaphore"], scale);
    let lines = document_part(&out);
    let heads: Vec<&str> = lines.iter().map(|l| &l[..W.len().min(l.len())]).collect();
    // 文档的顺序。例外（见 semaphore.rs 的注释）：前两个协程的计时器落在相邻的两个毫秒
    // 刻度上时（约百分之一），第一个先醒、第三个随即进来，中间变成 again、world、again。
    let document = [W, W, A, A, W, A];
    let early_third = [W, W, A, W, A, A];
    assert!(heads == document || heads == early_third, "{out}");
    assert_hello_lines(&lines, &heads, &out);
    // 每个协程在拿到许可之后打印 world，归还许可之前打印 again；单线程上打印的先后
    // 就是发生的先后，所以数 world 减 again 就是此刻里面有几个。
    let mut inside = 0;
    let mut most = 0;
    for head in &heads {
        inside += if *head == W { 1 } else { -1 };
        assert!(inside >= 0, "{out}");
        most = most.max(inside);
    }
    assert_eq!(most, 2, "最多两个同时在里面，而且确实有两个同时在\n{out}");
    let total = total_units(&out, scale);
    // 约 2 秒：不是三个一起的 1 秒，也远不到一个接一个的 3 秒。
    assert!((1.98..2.9).contains(&total), "total {total}\n{out}");
}

#[test]
fn lazy_future_runs_only_when_awaited_or_spawned() {
    let out = example(&["lazy"], 0.05);
    assert_eq!(
        out.lines(),
        [
            "调用了 hello()，得到一个 future：还什么都没打印。",
            "现在 .await 它：",
            W,
            A,
            "tokio::spawn(hello()) 把它排成任务：我们还没交出执行权，它还没运行。",
            W,
            A,
            "await 它的句柄 (JoinHandle)：任务运行完了。",
        ],
        "{out}"
    );
}

/// 计数器没有丢更新；三个协程是轮流加的（一个接一个时做完的值是 100、200、300），
/// 而且计数器真的没有锁：打印出来的类型是 `Rc<Cell<u32>>`，换成 `Arc<Mutex<…>>` 或原子量
/// 这个测试就不过——只看最后的 300，加了锁也一样。
#[test]
fn no_lock_counts_every_increment() {
    let out = example(&["no-lock"], 0.05);
    let lines = out.lines();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], "三个协程各加 100 次，计数器 = 300", "{out}");
    assert_eq!(
        lines[1], "三个协程做完时，计数器分别是 300、300、300（一个接一个地加会是 100、200、300）.",
        "{out}"
    );
    let ty = lines[2]
        .strip_prefix("计数器是 ")
        .and_then(|l| l.strip_suffix("：不是 Send，只能留在这个线程上，也没有锁."))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(ty.contains("Rc<") && ty.ends_with("Cell<u32>>"), "{out}");
    for lock in ["Mutex", "RwLock", "Atomic", "Arc<"] {
        assert!(!ty.contains(lock), "{lock}\n{out}");
    }
}

/// `--timeline` 图里每个任务一行：`hello 1 │▒▒▒   │` → 格子里的字符。
fn timeline_rows(out: &Output) -> Vec<Vec<char>> {
    let rows: Vec<Vec<char>> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("hello "))
        .map(|l| {
            let cells = l.split('│').nth(1).unwrap_or_else(|| panic!("{l}"));
            cells.chars().collect()
        })
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    rows
}

/// 有多少列里至少有 `k` 个任务画着 `glyph`。
fn columns_with(rows: &[Vec<char>], glyph: char, k: usize) -> usize {
    (0..rows[0].len())
        .filter(|&i| rows.iter().filter(|r| r.get(i) == Some(&glyph)).count() >= k)
        .count()
}

/// 有多少列里至少有 `k` 个任务在睡。
fn columns_with_sleepers(rows: &[Vec<char>], k: usize) -> usize {
    columns_with(rows, '▒', k)
}

/// 第一个画着 `▒` 的格子在第几列。
fn first_sleep(row: &[char]) -> usize {
    row.iter().position(|&c| c == '▒').unwrap_or(row.len())
}

#[test]
fn timelines_show_serial_and_overlapping_sleeps() {
    // 留足余量：机器忙时，两段之间可能多出几格空白，边界上可能多出几格重叠。
    // 阻塞的睡眠挡住了整个线程：Linux 的内核看得见它在睡 (▒)；别的系统看不到内核，
    // 推进的整段画成 █，图下面说一行。首尾相接的先后两边一样看得出来。
    let held = if shared::chart::KERNEL_VIEW {
        '▒'
    } else {
        '█'
    };
    for name in ["blocking-sleep", "wrapped-sleep"] {
        let out = example(&[name, "--timeline"], 0.1);
        let rows = timeline_rows(&out);
        // 首尾相接：只有交界处的格子会同时有两个在睡。
        assert!(columns_with(&rows, held, 2) <= 3, "{name} {rows:?}");
        assert!(columns_with(&rows, held, 1) > rows[0].len() * 3 / 4);
        let note = shared::chart::POLLS_AS_RUNNING.trim_end();
        assert_eq!(
            out.lines().contains(&note),
            !shared::chart::KERNEL_VIEW,
            "{out}"
        );
    }
    let rows = timeline_rows(&example(&["async-sleep", "--timeline"], 0.1));
    assert!(
        columns_with_sleepers(&rows, 3) > rows[0].len() * 7 / 10,
        "{rows:?}"
    );

    // 信号量：前两个一开始就睡；第三个先等待 (·)，大约一半时间之后才开始睡。
    let out = example(&["semaphore", "--timeline"], 0.1);
    let rows = timeline_rows(&out);
    let width = rows[0].len();
    let early = width / 10;
    assert!(
        first_sleep(&rows[0]) <= early && first_sleep(&rows[1]) <= early,
        "{out}"
    );
    assert!(rows[2][..first_sleep(&rows[2])].contains(&'·'), "{out}");
    // 第三个等到前两个有一个出来才进去：和它们在同一张图上比，不和图的宽度比（机器忙时
    // 运行时醒得晚，图的尾巴会拉长）。
    let last_sleep = |row: &[char]| row.iter().rposition(|&c| c == '▒').unwrap_or(0);
    let first_out = last_sleep(&rows[0]).min(last_sleep(&rows[1]));
    assert!(first_sleep(&rows[2]) + 1 >= first_out, "{out}");
    assert!(first_out > width / 5, "the first two sleep a while\n{out}");
    // 两个两个地进：没有哪一小段时间三个都在里面睡（交界处留一格）；前两个一起睡了大半段。
    assert!(columns_with_sleepers(&rows, 3) <= 1, "{out}");
    assert!(
        columns_with_sleepers(&rows, 2) * 10 >= first_out * 8,
        "{out}"
    );

    let out = example(&["hello-many", "--timeline"], 0.05);
    timeline_rows(&out);
}
