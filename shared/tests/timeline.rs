//! 时间线：已知的几段记录画出固定的图（golden text），多线程同时记录不丢一段。

use std::time::Duration;

use shared::chart::{Kind, Sampler, Span, display_width, render_with};

const S: u64 = 1_000_000_000;

fn downloads() -> Vec<Span> {
    vec![
        Span::new("main", Kind::Waiting, 0, 6 * S),
        Span::new("Python从入门到住院.pdf", Kind::Sleeping, 0, 5 * S),
        Span::new("MySQL从删库到跑路.avi", Kind::Sleeping, 0, 3 * S),
        Span::new("Linux从精通到放弃.mp4", Kind::Sleeping, 0, 6 * S),
        Span::new("喝酒", Kind::Running, S, 2 * S).on_cpu(1),
    ]
}

/// 1 秒的运行在 0.17 秒一格的图上是 5.8 格：画成 6 格运行。
const GOLDEN: &str = "\
时间线 (timeline)，横轴是文档里的秒：
main                   │···································│
Python从入门到住院.pdf │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒     │
MySQL从删库到跑路.avi  │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒                 │
Linux从精通到放弃.mp4  │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒│
喝酒                   │      111111                       │
                       └┬───────────┬──────────┬───────────┘
                        0           2          4           6
图例 (legend)：█ 运行 running  ▒ 睡眠 sleeping  · 等待 waiting  - 等 CPU ready
               0-9 在该号 CPU 上运行 (running on CPU n)
               一行里运行的格数按它用掉的 CPU 时间折算，同一列里一个 CPU 只画给一行
               用掉的 CPU 时间一共不满一格的行，只在整行空着时画一格运行
";

/// 有内核视角的系统上，图例多一行说采样看不到什么。
fn golden() -> String {
    let mut text = GOLDEN.to_owned();
    if shared::chart::KERNEL_VIEW {
        text.push_str(shared::chart::LEGEND_SAMPLING);
    }
    text
}

#[test]
fn known_spans_render_to_the_golden_text() {
    let got = render_with(&downloads(), 1.0, 60);
    assert_eq!(got, golden(), "\n{got}");
}

#[test]
fn the_axis_is_in_unscaled_seconds() {
    // 同样的图，时间比例 0.5：实际 6 秒在文档里是 12 秒。
    let got = render_with(&downloads(), 0.5, 60);
    assert!(
        got.contains("\n                        0              5             10\n"),
        "\n{got}"
    );
}

#[test]
fn every_line_fits_the_width() {
    let mut spans = downloads();
    spans.push(Span::new(
        "一个非常非常非常非常非常非常长的任务名字",
        Kind::Running,
        0,
        S,
    ));
    let got = render_with(&spans, 1.0, 100);
    for line in got.lines() {
        assert!(
            display_width(line) <= 100,
            "{} columns: {line}",
            display_width(line)
        );
    }
    assert!(got.contains('…'), "a long label is cut:\n{got}");
}

#[test]
fn no_spans_says_so() {
    let got = render_with(&[], 1.0, 100);
    if shared::chart::KERNEL_VIEW {
        assert!(got.contains("没有记录"), "{got}");
    } else {
        // 没有内核的视角：只有一行，说时间线要 Linux。
        assert_eq!(got, shared::chart::NO_KERNEL_VIEW);
        assert_eq!(got.lines().count(), 1);
    }
}

/// 别的系统上采样器什么也不记（也不开线程），图的位置上是那一行说明。
#[cfg(not(target_os = "linux"))]
#[test]
fn without_the_kernels_view_the_sampler_records_nothing() {
    let sampler = Sampler::start().expect("start the sampler");
    std::thread::sleep(Duration::from_millis(20));
    assert!(sampler.finish().is_empty());
}

/// 内核的视角只有 Linux 有（`/proc/<pid>/task/*`）。
#[cfg(target_os = "linux")]
#[test]
fn the_sampler_sees_a_sleeping_and_a_spinning_thread() {
    let sampler = Sampler::start().expect("start the sampler");
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("sleeper".into())
            .spawn_scoped(s, || std::thread::sleep(Duration::from_millis(150)))
            .expect("spawn");
        std::thread::Builder::new()
            .name("spinner".into())
            .spawn_scoped(s, || {
                let start = std::time::Instant::now();
                while start.elapsed() < Duration::from_millis(150) {
                    std::hint::black_box(0);
                }
            })
            .expect("spawn");
    });
    let spans = sampler.finish();
    let time = |task: &str, kind: Kind| -> u64 {
        spans
            .iter()
            .filter(|s| s.task == task && s.kind == kind)
            .map(|s| s.end_ns - s.start_ns)
            .sum()
    };
    // 机器再忙，睡着的线程也不会被算成运行（它出生后、睡下前运行的那一点点除外）；
    // 转圈的线程至少有一段在运行或等 CPU。
    assert!(time("sleeper", Kind::Sleeping) > 50_000_000, "{spans:?}");
    assert!(time("sleeper", Kind::Running) < 5_000_000, "{spans:?}");
    assert!(
        time("spinner", Kind::Running) + time("spinner", Kind::Ready) > 100_000_000,
        "{spans:?}"
    );
    assert_eq!(time("spinner", Kind::Sleeping), 0, "{spans:?}");
    // 主线程在 scope 结束处等两个线程：等待，不是睡眠。
    assert!(time("主线程", Kind::Waiting) > 50_000_000, "{spans:?}");
    assert!(
        spans.iter().all(|s| s.task != "sampler"),
        "the sampler leaves itself out"
    );
}

/// 两个线程几乎同时出生：先开的"甲"一直睡，后开的"乙"先转 3 毫秒再睡。乙的第一段先结束、
/// 先被记下，但图上同一格里出生的几行按开线程的先后排：甲在乙上面（以前按记录的先后，
/// `daemon --timeline` 偶尔把 Pong 排到 Ping 上面）。
#[cfg(target_os = "linux")]
#[test]
fn rows_born_in_the_same_cell_keep_the_order_the_threads_were_started() {
    for _ in 0..5 {
        let sampler = Sampler::start().expect("start the sampler");
        // 明确地 `join`：它等到线程真的退出。`thread::scope` 结尾的自动等待只等到线程的函数
        // 返回，线程本身可能还在，下一轮的采样器就会看到上一轮的"乙"。
        let first = std::thread::Builder::new()
            .name("甲".into())
            .spawn(|| std::thread::sleep(Duration::from_millis(60)))
            .expect("spawn");
        let second = std::thread::Builder::new()
            .name("乙".into())
            .spawn(|| {
                let start = std::time::Instant::now();
                while start.elapsed() < Duration::from_millis(3) {
                    std::hint::black_box(0);
                }
                std::thread::sleep(Duration::from_millis(57));
            })
            .expect("spawn");
        first.join().expect("甲");
        second.join().expect("乙");
        let got = render_with(&sampler.finish(), 1.0, 40);
        let rows: Vec<&str> = got
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(name, _)| name))
            .filter(|name| ["甲", "乙"].contains(name))
            .collect();
        assert_eq!(rows, ["甲", "乙"], "\n{got}");
    }
}

#[test]
fn the_legend_fits_the_width() {
    let mut spans = downloads();
    spans.push(Span::new("等", Kind::Ready, 0, S));
    let got = render_with(&spans, 1.0, 100);
    for line in got.lines() {
        assert!(
            display_width(line) <= 100,
            "{} columns: {line}",
            display_width(line)
        );
    }
}

#[test]
fn the_last_tick_keeps_its_label_at_the_right_edge() {
    // 2 秒的图，步长 0.5：最后的 "2.0" 比 1 列宽，要往左挪才放得下。
    let spans = [Span::new("甲", Kind::Sleeping, 0, 2 * S)];
    let got = render_with(&spans, 1.0, 60);
    let labels = got.lines().nth(3).expect("label line");
    assert!(labels.trim_end().ends_with("2.0"), "\n{got}");
    assert!(display_width(labels) <= 60, "\n{got}");
}

/// 三个线程在 CPU 0 上轮流，每次运行 1 毫秒、再等 2 毫秒（和采样器记下的一样，相连的
/// 同一状态是一段）；一格 10 毫秒，每格里每个线程都只运行了三分之一。
fn three_on_one_cpu(ms: u64) -> Vec<Span> {
    const MS: u64 = 1_000_000;
    let mut spans = Vec::new();
    for (k, name) in ["甲", "乙", "丙"].into_iter().enumerate() {
        let k = k as u64;
        if k > 0 {
            spans.push(Span::new(name, Kind::Ready, 0, k * MS));
        }
        let mut t = k;
        while t < ms {
            spans.push(Span::new(name, Kind::Running, t * MS, (t + 1) * MS).on_cpu(0));
            let next = (t + 3).min(ms);
            spans.push(Span::new(name, Kind::Ready, (t + 1) * MS, next * MS));
            t += 3;
        }
    }
    spans
}

#[test]
fn threads_taking_turns_on_one_cpu_share_its_cells() {
    // 900 毫秒、90 格：每行约 30 格运行，一列里 CPU 0 只画给一行，其余是等 CPU。
    let got = render_with(&three_on_one_cpu(900), 1.0, 96);
    let rows: Vec<Vec<char>> = got
        .lines()
        .filter_map(|l| l.split_once('│'))
        .filter_map(|(_, rest)| rest.strip_suffix('│'))
        .map(|cells| cells.chars().collect())
        .collect();
    assert_eq!(rows.len(), 3, "{got}");
    let width = rows[0].len();
    for row in &rows {
        let running = row.iter().filter(|&&c| c == '0').count();
        assert!(
            running.abs_diff(width / 3) <= 2,
            "{running} of {width}\n{got}"
        );
        assert!(row.iter().all(|&c| c == '0' || c == '-'), "{got}");
    }
    for i in 0..width {
        let runners = rows.iter().filter(|r| r[i] == '0').count();
        assert_eq!(runners, 1, "column {i}\n{got}");
    }
}

/// 一个线程在 CPU 0 上每毫秒运行 0.6 毫秒；主线程每 50 毫秒醒来运行 0.1 毫秒，也在 CPU 0 上。
/// 每一列的 CPU 0 都是那个线程的（画出的格数按它的 CPU 时间折算）：主线程那一眨眼不够画一格。
/// 以前那个线程多画过、欠账为负的那一列，主线程欠账少反而抢到了这一格：同一个例子的图上
/// 主线程时有时无地多出一格运行。
#[test]
fn a_blink_does_not_take_a_busy_column_from_the_thread_that_ran_there() {
    const US: u64 = 1_000;
    let mut spans = Vec::new();
    for k in 0..20 {
        let t = k * 50_000 * US;
        spans.push(Span::new("main", Kind::Waiting, t, t + 49_900 * US));
        spans.push(Span::new("main", Kind::Running, t + 49_900 * US, t + 50_000 * US).on_cpu(0));
    }
    for k in 0..1000 {
        let t = k * 1_000 * US;
        spans.push(Span::new("干活", Kind::Running, t, t + 600 * US).on_cpu(0));
        spans.push(Span::new("干活", Kind::Ready, t + 600 * US, t + 1_000 * US));
    }
    let got = render_with(&spans, 1.0, 96);
    let row = |name: &str| -> Vec<char> {
        let line = got
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}\n{got}"));
        let cells = line.split_once('│').expect("cells").1;
        cells.trim_end_matches('│').chars().collect()
    };
    let (main, worker) = (row("main"), row("干活"));
    assert!(!main.contains(&'0'), "main ran 0.2% of the time\n{got}");
    let running = worker.iter().filter(|&&c| c == '0').count();
    assert!(
        running.abs_diff(worker.len() * 6 / 10) <= 2,
        "{running} of {}\n{got}",
        worker.len()
    );
}

/// 只在开头和结尾醒来一眨眼的两行（等着的主线程和"你"）：两行加起来占了第一格的大半个 CPU，
/// 可各自一共用掉的 CPU 时间不满一格。画不画它们要看机器那一刻忙不忙（check-copy 见过
/// `phone-114` 的"你"这次有一格运行、下次没有），所以都不画；真正干活的行照画。
#[test]
fn rows_that_used_less_than_a_cell_of_cpu_in_all_show_no_running() {
    const MS: u64 = 1_000_000;
    let mut spans = Vec::new();
    for (name, ran) in [("主线程", 4 * MS), ("你", 3 * MS)] {
        spans.push(Span::new(name, Kind::Running, 0, ran).on_cpu(0));
        spans.push(Span::new(name, Kind::Waiting, ran, 997 * MS));
        spans.push(Span::new(name, Kind::Running, 997 * MS, 1000 * MS).on_cpu(0));
    }
    spans.push(Span::new("游戏", Kind::Running, 0, 1000 * MS).on_cpu(1));
    let got = render_with(&spans, 1.0, 100);
    let row = |name: &str| cells_of(&got, name);
    for name in ["主线程", "你"] {
        assert!(
            !row(name).contains(&'0'),
            "{name} used 0.7 of a cell\n{got}"
        );
        assert!(
            row(name).contains(&'·'),
            "{name} still shows its waiting\n{got}"
        );
    }
    assert!(row("游戏").iter().all(|&c| c == '1'), "{got}");
}

/// `sync-async` 的同步一半：任务2 开出来运行一眨眼就去等任务1，等完了才算。开头那一眨眼和
/// 主线程的一眨眼加起来占了那一格大半个 CPU，可它们都没有接着运行下去，那一格不画给任务2：
/// 不然图上任务2 在任务1 做完之前就"运行"过（机器忙一点就这样，测试见过三次）。
#[test]
fn a_start_blink_before_a_wait_does_not_take_a_busy_column() {
    const MS: u64 = 1_000_000;
    let spans = [
        Span::new("主线程", Kind::Running, 0, 5 * MS).on_cpu(0),
        Span::new("主线程", Kind::Waiting, 5 * MS, 1000 * MS),
        Span::new("任务2", Kind::Running, 5 * MS, 9 * MS).on_cpu(0),
        Span::new("任务2", Kind::Waiting, 9 * MS, 500 * MS),
        Span::new("任务1", Kind::Running, 9 * MS, 500 * MS).on_cpu(0),
        Span::new("任务2", Kind::Running, 500 * MS, 1000 * MS).on_cpu(0),
    ];
    // 100 格，一格 10 毫秒：第 0 格里主线程 5 毫秒、任务2 4 毫秒、任务1 1 毫秒，谁都没攒够半格。
    let got = render_with(&spans, 1.0, 100 + 3 + 6);
    let row = |name: &str| cells_of(&got, name);
    let first_run = row("任务2").iter().position(|&c| c == '0');
    let last_of_1 = row("任务1").iter().rposition(|&c| c == '0');
    assert!(
        first_run.zip(last_of_1).is_some_and(|(a, b)| a + 1 >= b),
        "任务2 runs only after 任务1\n{got}"
    );
}

/// 线程出生后先在 CPU 0 上运行一眨眼，再把自己绑到 CPU 1（`one-core-one-task`）：它那一格
/// 画 CPU 1，它在那一格里运行得最久的 CPU。以前按 CPU 号从小到大分，画成了 0，测试见过
/// "绑在一个 CPU 上的线程出现了两个 CPU 号"。
#[test]
fn a_cell_shows_the_cpu_the_row_ran_on_most_there() {
    const MS: u64 = 1_000_000;
    let spans = [
        Span::new("抽烟", Kind::Running, 0, MS / 10).on_cpu(0),
        Span::new("抽烟", Kind::Running, MS / 10, 100 * MS).on_cpu(1),
    ];
    let got = render_with(&spans, 1.0, 10 + 3 + 4);
    let line = got.lines().find(|l| l.starts_with("抽烟")).expect("row");
    let cells = line.split_once('│').expect("cells").1.trim_end_matches('│');
    assert!(cells.chars().all(|c| c == '1'), "\n{got}");
}

#[test]
fn a_thread_seen_for_an_instant_still_has_its_row() {
    let mut spans = downloads();
    spans.push(Span::new("一眨眼", Kind::Running, 3 * S, 3 * S).on_cpu(0));
    spans.push(Span::new("一瞬", Kind::Running, 4 * S, 4 * S + 1000).on_cpu(1));
    let got = render_with(&spans, 1.0, 60);
    for name in ["一眨眼", "一瞬"] {
        let row = got
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}\n{got}"));
        assert_eq!(row.matches(['0', '1']).count(), 1, "{got}");
    }
}

/// 采样约 1 毫秒一次，看不到更短命的线程；调用过 `shared` 帮手的线程照样有一行，名字也对。
#[cfg(target_os = "linux")]
#[test]
fn a_thread_that_calls_a_helper_has_its_row_however_short() {
    for _ in 0..20 {
        let sampler = Sampler::start().expect("start the sampler");
        std::thread::Builder::new()
            .name("一眨眼".into())
            .spawn(|| shared::threads::count().map(|_| ()))
            .expect("spawn")
            .join()
            .expect("no panic")
            .expect("count");
        let spans = sampler.finish();
        assert!(spans.iter().any(|s| s.task == "一眨眼"), "{spans:?}");
    }
}

/// 图里名字是 `name` 的那一行的格子。
#[track_caller]
fn cells_of(chart: &str, name: &str) -> Vec<char> {
    let line = chart
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("{name}\n{chart}"));
    let cells = line.split_once('│').expect("cells").1;
    cells.trim_end_matches('│').chars().collect()
}
