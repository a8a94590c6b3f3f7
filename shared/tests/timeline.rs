//! 时间线：已知的几段记录画出固定的图（golden text），多线程同时记录不丢一段。

use shared::timeline::{self, Kind, Span, display_width, render_with};

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
图例 (legend)：█ 运行 running   ▒ 睡眠 sleeping   · 等待 waiting   0-9 在该号 CPU 上运行
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
    for line in got.lines().filter(|l| !l.starts_with("图例")) {
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
    assert!(render_with(&[], 1.0, 100).contains("没有记录"));
}

#[test]
fn spans_are_serialisable() {
    // 子进程要把 Span 发回父进程；真正的跨进程往返在进程课的测试里。
    let span = Span::new("子进程", Kind::Sleeping, 1, 2).on_cpu(3);
    fn assert_serde<T: serde::Serialize + serde::de::DeserializeOwned>(_: &T) {}
    assert_serde(&span);
}

#[test]
fn recording_from_many_threads_loses_no_span() {
    // 这个测试文件里只有它用全局记录，所以可以放心 take()。
    const THREADS: usize = 8;
    const EACH: usize = 2_000;
    timeline::take();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                for i in 0..EACH {
                    timeline::record(Span::new(
                        format!("t{t}"),
                        Kind::Running,
                        i as u64,
                        i as u64 + 1,
                    ));
                }
            });
        }
    });
    let spans = timeline::take();
    assert_eq!(spans.len(), THREADS * EACH);
    for t in 0..THREADS {
        let mine: Vec<u64> = spans
            .iter()
            .filter(|s| s.task == format!("t{t}"))
            .map(|s| s.start_ns)
            .collect();
        assert_eq!(
            mine,
            (0..EACH as u64).collect::<Vec<_>>(),
            "thread {t} keeps its order"
        );
    }
    assert!(timeline::take().is_empty(), "take() empties the record");
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
