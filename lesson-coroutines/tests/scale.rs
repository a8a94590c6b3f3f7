//! `scale`：小的 `--max` 也要跑出完整的表；坏的 `--max` 是一行错误、退出码 2。
//! 结论只在机器不忙时下：平常跑一次（机器碰巧忙也按忙的说法检查），再在两个占满 CPU 的
//! 线程旁边跑一次，那时一定走"机器忙"那条路。这个文件的测试排队跑，不同时跑。

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use shared_testing::{Output, lesson, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-coroutines");

/// 这个文件的测试一个一个来：占满 CPU 的线程不拖累另一个测试。
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// 在 `cpus` 个一直空转的线程旁边运行 `f`（这些线程对例子来说是"别的程序"）。
fn beside_busy_loops<T>(cpus: usize, f: impl FnOnce() -> T) -> T {
    let stop = Arc::new(AtomicBool::new(false));
    let loops: Vec<_> = (0..cpus)
        .map(|_| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let result = f();
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.join().expect("busy loop");
    }
    result
}

/// 用 `--max 1500`、时间比例 0.2 跑一次。
fn small_run() -> Output {
    let mut cmd = lesson(EXE, &["scale", "--max", "1500"]);
    cmd.env("LESSON_TIME_SCALE", "0.2");
    run(cmd, Duration::from_secs(120)).success()
}

const BUSY_NOTE: &str = "注：机器忙 (busy)：量的时候别的程序最多平均占着 ";

/// 机器忙的那条路：最后一行说别的程序占了几个 CPU（超过 0.3 个），没有结论。
fn check_busy(out: &Output) {
    let last = out.lines().last().copied().unwrap_or_default();
    let others: f64 = last
        .strip_prefix(BUSY_NOTE)
        .and_then(|r| r.strip_suffix(" 个 CPU，上面的时间偏大，不下结论."))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(others > 0.3, "{out}");
    assert!(!out.stdout.contains("结论："), "{out}");
}

/// `471 B`、`10.3 KiB`、`6.8 MiB` → 字节数。
fn bytes(number: &str, unit: &str) -> f64 {
    let n: f64 = number.parse().unwrap_or_else(|_| panic!("{number}"));
    n * match unit {
        "B" => 1.0,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        _ => panic!("unit {unit}"),
    }
}

/// `12.345 µs`、`2.1 ms` → 微秒。
fn micros(number: &str, unit: &str) -> f64 {
    let n: f64 = number.parse().unwrap_or_else(|_| panic!("{number}"));
    n * if unit == "ms" { 1000.0 } else { 1.0 }
}

#[test]
fn a_small_max_prints_the_whole_table() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let scale = 0.2;
    let out = small_run();
    assert_eq!(
        out.stdout.contains("调试构建"),
        cfg!(debug_assertions),
        "{out}"
    );
    assert!(out.stdout.contains("单位       数量    墙钟时间"), "{out}");

    // 行：任务 1500；线程 1000、1500（--max 把 10000 压成 1500，其余的重复行跳过）。
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() == 8 && (w[0] == "任务" || w[0] == "线程"))
        .collect();
    let shape: Vec<(&str, &str)> = rows.iter().map(|w| (w[0], w[1])).collect();
    assert_eq!(
        shape,
        [("任务", "1500"), ("线程", "1000"), ("线程", "1500")],
        "{out}"
    );
    // 线程要预留自己的栈 (stack)，虚拟内存按 MiB 计；任务只是堆上的一小块。
    let (task_vm, thread_vm) = (bytes(rows[0][6], rows[0][7]), bytes(rows[2][6], rows[2][7]));
    assert!(thread_vm > 100.0 * task_vm.max(1.0), "{out}");

    // 创建并结束一个：进程>=线程>=协程。
    let cost = |unit: &str| {
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(unit) && l.contains("次）"));
        let w: Vec<&str> = line
            .unwrap_or_else(|| panic!("{unit}\n{out}"))
            .split_whitespace()
            .collect();
        micros(w[1], w[2])
    };
    let (process, thread, task) = (cost("进程"), cost("线程"), cost("任务"));
    assert!(task > 0.0, "{out}");
    for w in &rows {
        let (count, wall): (f64, f64) = (
            w[1].parse().expect("count"),
            w[2].parse().expect("wall seconds"),
        );
        // 每个都睡了 1 秒（缩放后）：墙钟不会更短；它们同时睡，所以远小于一个接一个的
        // 数量 × 1 秒（1000 个时那是 1000 倍）。余量：25 个睡眠的长度，再加上把它们一个个
        // 创建出来的时间（同一次运行量的，见下面"创建并结束一个"；Wine 里开一个线程要
        // 十几毫秒，1500 个线程光创建就 19 秒，睡眠照样是同时的）。
        let per_unit = if w[0] == "线程" { thread } else { task };
        let limit = scale * 25.0 + 2.0 * count * per_unit / 1e6;
        assert!(
            wall >= scale * 0.99 && wall < limit,
            "{w:?} vs {limit}\n{out}"
        );
    }
    if out.stdout.contains(BUSY_NOTE) {
        check_busy(&out);
        return;
    }
    // 不忙时下结论：进程>=线程>=协程，倍数就是表里的比值（四舍五入）。
    assert!(process > thread && thread > task, "{out}");
    let last = out.lines().last().copied().unwrap_or_default();
    let numbers: Vec<f64> = last
        .strip_prefix("结论：进程>=线程>=协程：创建一个进程的时间，够创建约 ")
        .unwrap_or_else(|| panic!("{out}"))
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 2, "{out}");
    for (n, ratio) in numbers.iter().zip([process / thread, process / task]) {
        assert!(
            (n - ratio).abs() <= 0.5 + ratio * 0.01,
            "{n} vs {ratio}\n{out}"
        );
    }
}

/// 旁边有两个占满 CPU 的线程：例子看到别的程序占着 CPU，说机器忙，不下结论。
#[test]
fn beside_busy_loops_it_says_the_machine_was_busy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let out = beside_busy_loops(2, small_run);
    assert!(out.stdout.contains("单位       数量    墙钟时间"), "{out}");
    check_busy(&out);
}

#[test]
fn a_bad_max_is_a_usage_error() {
    for bad in ["0", "-1", "abc", "1.5", "", "1000001"] {
        let out = run(
            lesson(EXE, &["scale", "--max", bad]),
            Duration::from_secs(30),
        );
        assert_eq!(out.status.code(), Some(2), "{bad:?}\n{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{bad:?}\n{out}");
        assert!(
            out.stderr.contains("--max") || out.stderr.contains(bad),
            "{out}"
        );
        assert!(!out.stderr.contains("panicked"), "{out}");
        assert!(out.stdout.is_empty(), "{out}");
    }
}
