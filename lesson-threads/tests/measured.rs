//! 测量类的例子（`costs`）：要么给出它敢担保的结论，要么一行说机器忙、不下结论。
//! 两条路都检查：平常跑一次（机器碰巧忙也按忙的说法检查），再在两个占满 CPU 的线程旁边
//! 跑一次，那时一定走"机器忙"那条路。
//!
//! 单独一个测试文件：cargo 一个接一个地运行测试文件，占满 CPU 的线程不会拖慢别的测试；
//! 这里的两个测试也用一把锁排队，不同时跑。

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use shared_testing::{Output, lesson, run};

const EXE: &str = env!("CARGO_BIN_EXE_lesson-threads");

/// 这个文件的测试一个一个来。
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

/// `12.3 µs` → 12.3。
fn micros(cell: &str) -> Option<f64> {
    cell.trim().strip_suffix(" µs")?.trim().parse().ok()
}

/// 表的四行：(中位数, 平均)，整批计时的行没有中位数。
fn table(out: &Output) -> Vec<(Option<f64>, f64)> {
    let lines = out.lines();
    assert!(
        lines[0].starts_with("每个任务的开销 (per-job cost)"),
        "{out}"
    );
    assert!(lines[1].starts_with("做法"), "{out}");
    lines[2..6]
        .iter()
        .map(|row| {
            let cells: Vec<&str> = row.split("  ").filter(|c| !c.trim().is_empty()).collect();
            let n = cells.len();
            assert!(n >= 3, "{row}\n{out}");
            let mean = micros(cells[n - 1]).unwrap_or_else(|| panic!("{row}\n{out}"));
            assert!(mean > 0.0, "{row}\n{out}");
            (micros(cells[n - 2]), mean)
        })
        .collect()
}

const BUSY_NOTE: &str = "注：机器忙 (busy)：量了 ";

/// `line` 里紧跟在 `prefix` 后面的数。
#[track_caller]
fn num_after(line: &str, prefix: &str) -> f64 {
    let rest = line.split_once(prefix).map(|(_, r)| r).unwrap_or_default();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end]
        .parse()
        .unwrap_or_else(|_| panic!("no number after {prefix}: {line}"))
}

/// 机器忙的那条路：量满三遍，说出别的程序占了几个 CPU（至少 0.3 个），不下结论。
fn check_busy(out: &Output) {
    let lines = out.lines();
    assert_eq!(lines.len(), 7, "{out}");
    let others: f64 = lines[6]
        .strip_prefix(BUSY_NOTE)
        .and_then(|r| r.strip_prefix("3 遍，别的程序都平均占着 "))
        .and_then(|r| r.strip_suffix(" 个 CPU，这张表不下结论."))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(others > 0.3, "{out}");
    assert!(!out.stdout.contains("结论："), "{out}");
}

/// 每个任务开一个线程比交给池贵（文档的说法），结论里的倍数就是表里两个中位数之比。
#[test]
fn costs_concludes_that_a_thread_per_job_costs_more_or_says_the_machine_was_busy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let out = run(lesson(EXE, &["costs"]), Duration::from_secs(120)).success();
    let rows = table(&out);
    if out.stdout.contains(BUSY_NOTE) {
        check_busy(&out);
        return;
    }
    let lines = out.lines();
    assert_eq!(lines.len(), 7, "{out}");
    assert!(lines[6].starts_with("结论：全部一起做时，"), "{out}");
    let batch = num_after(lines[6], "开销约是交给池的 ");
    let one_by_one = num_after(lines[6], "再交下一个）时约是 ");
    // 全部一起做时池便宜得多（一个 CPU 上也是）；逐个做的倍数不一定（一个 CPU 上约 1 倍）。
    assert!(batch >= 2.0, "{out}");
    // 表里的数保留一位小数：倍数和它们算出来的比值差不多。
    let close = |said: f64, ratio: f64| (said - ratio).abs() <= 0.5 + ratio * 0.1;
    let batch_ratio = rows[2].1 / rows[3].1;
    assert!(close(batch, batch_ratio), "{batch_ratio}\n{out}");
    let (thread, pooled) = (rows[0].0.expect("a median"), rows[1].0.expect("a median"));
    assert!(
        close(one_by_one, thread / pooled),
        "{}\n{out}",
        thread / pooled
    );
}

/// 旁边有两个占满 CPU 的线程：例子量三遍都看到别的程序占着 CPU，就不下结论。
#[test]
fn costs_beside_busy_loops_says_the_machine_was_busy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let out = beside_busy_loops(2, || {
        run(lesson(EXE, &["costs"]), Duration::from_secs(120)).success()
    });
    table(&out);
    check_busy(&out);
}
