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

const GOLDEN: &str = "\
时间线 (timeline)，横轴是文档里的秒：
main                   │···································│
Python从入门到住院.pdf │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒     │
MySQL从删库到跑路.avi  │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒                 │
Linux从精通到放弃.mp4  │▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒│
喝酒                   │     1111111                       │
                       └┬───────────┬──────────┬───────────┘
                        0           2          4           6
图例 (legend)：█ 运行 running  ▒ 睡眠 sleeping  · 等待 waiting  - 等 CPU ready
               0-9 在该号 CPU 上运行 (running on CPU n)
";

#[test]
fn known_spans_render_to_the_golden_text() {
    let got = render_with(&downloads(), 1.0, 60);
    assert_eq!(got, GOLDEN, "\n{got}");
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
    // 机器再忙，睡着的线程也不会被算成运行；转圈的线程至少有一段在运行或等 CPU。
    assert!(time("sleeper", Kind::Sleeping) > 50_000_000, "{spans:?}");
    assert_eq!(time("sleeper", Kind::Running), 0, "{spans:?}");
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
