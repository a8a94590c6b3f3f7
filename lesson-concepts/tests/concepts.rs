//! 每个例子的说法 (claim)，见 README 里这一课的表和 `src/lib.rs` 的例子表。图和数都来自同一次运行；时间只比相对关系。

mod common;

use common::{cores, kernel_charts, num_after, run};

const FEAST: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];

#[test]
fn one_core_one_task_finishes_each_task_before_the_next_starts() {
    let out = run(&["one-core-one-task"], "0.05");
    let lines = out.lines();
    assert!(lines[0].starts_with("单核单任务："), "{out}");
    for (i, task) in FEAST.iter().enumerate() {
        assert!(
            lines[i + 1].starts_with(&format!("{task}：5 口，用时 ")),
            "{out}"
        );
    }
    // 一件接一件：每件的用时加起来不超过总耗时（三件没有重叠）。
    let took: f64 = (0..3).map(|i| num_after(&out.stdout, "口，用时 ", i)).sum();
    let wall = num_after(&out.stdout, "总耗时: ", 0);
    assert!(
        took <= wall * 1.001 + 0.001,
        "took {took} > wall {wall}\n{out}"
    );
    let Some(charts) = kernel_charts(&out) else {
        return;
    };
    let chart = &charts[0];
    // 一个 CPU：三行只出现同一个 CPU 号。
    let cpus: Vec<char> = FEAST.iter().flat_map(|t| chart.cpus(t)).collect();
    assert!(
        !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
        "{out}"
    );
    // 台阶：前一件最后一次出现（运行或等 CPU）不晚于后一件第一次出现。
    for pair in FEAST.windows(2) {
        let (a, b) = (chart.active(pair[0]), chart.active(pair[1]));
        assert!(
            a.last() <= b.first(),
            "{} overlaps {}\n{out}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn one_core_many_tasks_interleave_on_one_cpu_and_take_the_sum() {
    let out = run(&["one-core-many-tasks"], "0.05");
    // 一个 CPU 上，总耗时不可能比三件的计算之和短。
    let sum = num_after(&out.stdout, "计算时间之和: ", 0);
    let wall = num_after(&out.stdout, "总耗时: ", 0);
    assert!(wall >= 0.9 * sum, "wall {wall} < sum {sum}\n{out}");
    let Some(charts) = kernel_charts(&out) else {
        return;
    };
    let chart = &charts[0];
    let cpus: Vec<char> = FEAST.iter().flat_map(|t| chart.cpus(t)).collect();
    assert!(
        !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
        "one CPU\n{out}"
    );
    // 交错：每两件事的活动范围互相重叠，而且运行的格子在几行之间来回换。
    for a in FEAST {
        for b in FEAST {
            let (x, y) = (chart.active(a), chart.active(b));
            assert!(
                x[0] < *y.last().expect("row") && y[0] < *x.last().expect("row"),
                "{a}/{b}\n{out}"
            );
        }
    }
    let mut runner = Vec::new();
    for col in 0..chart.row(FEAST[0]).len() {
        if let Some(t) = FEAST
            .iter()
            .position(|t| chart.row(t)[col].is_ascii_digit())
            && runner.last() != Some(&t)
        {
            runner.push(t);
        }
    }
    assert!(runner.len() >= 4, "switches {runner:?}\n{out}");
}

/// 机器忙时例子自己说出来；没说就必须看到并行。
fn parallel_or_busy(out: &shared_testing::Output, section: &str, sum: f64, wall: f64) {
    let best = 3.min(cores()) as f64;
    if section.contains("机器忙 (busy)") {
        assert!(
            section.contains("注：别的程序也在用 CPU（机器忙 (busy)），平均占了 "),
            "{out}"
        );
        return;
    }
    let at_once = sum / wall;
    assert!(
        at_once >= 0.65 * best,
        "only {at_once:.2} at once of {best}\n{out}"
    );
}

#[test]
fn many_cores_many_tasks_shows_all_three_and_says_who_waits() {
    let out = run(&["many-cores-many-tasks"], "0.2");
    let charts = kernel_charts(&out);
    if let Some(charts) = &charts {
        for task in FEAST {
            assert!(!charts[0].active(task).is_empty(), "{task} ran\n{out}");
        }
    }
    for task in FEAST {
        assert!(
            out.stdout.contains(&format!("{task}：在 CPU 上算了 ")),
            "{out}"
        );
    }
    let cores = cores();
    if cores < 3 {
        assert!(
            out.stdout.contains(&format!(
                "同一时刻最多 {cores} 件事在运行，其余的可以运行却要排队等 CPU"
            )),
            "{out}"
        );
        if let Some(charts) = &charts {
            assert!(
                FEAST.iter().any(|t| charts[0].row(t).contains(&'-')),
                "someone waits\n{out}"
            );
        }
    }
    let sum = num_after(&out.stdout, "计算时间之和: ", 0);
    let wall = num_after(&out.stdout, "总耗时: ", 0);
    parallel_or_busy(&out, &out.stdout, sum, wall);
}

#[test]
fn sync_waits_for_the_result_async_does_not() {
    // 时间比例 0.2：采样每 1 毫秒一次，图上一格要比它长，交接处才最多差一两格。
    let out = run(&["sync-async"], "0.2");
    let (sync, not) = out
        .stdout
        .split_once("异步 (asynchronous)：")
        .expect("two halves");
    assert!(sync.contains("任务2 等到任务1 做完才开始：同步."), "{out}");
    let done = num_after(sync, "任务1 在第 ", 0);
    let began = num_after(sync, "任务2 在第 ", 0);
    assert!(began >= done, "sync: {began} < {done}\n{out}");
    let (done, began) = (
        num_after(not, "任务1 在第 ", 0),
        num_after(not, "任务2 在第 ", 0),
    );
    assert!(began < done, "async: {began} >= {done}\n{out}");
    assert!(not.contains("任务2 没等任务1 做完就开始了：异步."), "{out}");
    let Some(charts) = kernel_charts(&out) else {
        return;
    };
    // 同步：任务2 先等（·），任务1 最后一次运行之后它才运行（交接的那一格可以两边都有）。
    let digits = |row: &str| {
        let cells = charts[0].row(row);
        (0..cells.len())
            .filter(|&i| cells[i].is_ascii_digit())
            .collect::<Vec<_>>()
    };
    assert!(
        !charts[0].cells("任务2", '·').is_empty(),
        "任务2 waits\n{out}"
    );
    let (t1, t2) = (digits("任务1"), digits("任务2"));
    assert!(t2[0] + 2 >= *t1.last().expect("任务1 ran"), "{out}");
}

#[test]
fn blocking_wastes_the_gap_nonblocking_fills_it() {
    let out = run(&["blocking"], "0.1");
    let (blocking, non) = out
        .stdout
        .split_once("非阻塞 (nonblocking)：")
        .expect("two halves");
    assert!(blocking.contains("任务2 做了 0 口."), "{out}");
    assert!(num_after(non, "任务2 做了 ", 0) >= 1.0, "{out}");
    let Some(charts) = kernel_charts(&out) else {
        return;
    };
    for (chart, waits) in charts.iter().zip([true, false]) {
        let gap = chart.cells("读数据", '▒');
        assert!(gap.len() >= 5, "{out}");
        let idle = gap
            .iter()
            .filter(|&&i| chart.row("一个人")[i] == '·')
            .count();
        if waits {
            assert!(
                idle * 10 >= gap.len() * 8,
                "blocking: idle {idle}/{}\n{out}",
                gap.len()
            );
        } else {
            assert!(
                idle * 10 <= gap.len() * 2,
                "nonblocking: idle {idle}/{}\n{out}",
                gap.len()
            );
        }
    }
}

#[test]
fn phone_114_shows_who_waits_and_who_plays() {
    let out = run(&["phone-114"], "0.1");
    let cases: Vec<&str> = out.stdout.split("\n\n").collect();
    assert_eq!(cases.len(), 4, "{out}");
    let heads = [
        "1. 同步阻塞：",
        "2. 同步非阻塞：",
        "3. 异步阻塞：",
        "4. 异步非阻塞：",
    ];
    let answers = [
        "客服（电话里）：",
        "客服（电话里）：",
        "客服回电：",
        "客服回电（回调在客服的线程上运行）：",
    ];
    let charts = kernel_charts(&out);
    for (i, case) in cases.iter().enumerate() {
        assert!(case.starts_with(heads[i]), "{case}");
        let lines: Vec<&str> = case.lines().collect();
        assert!(lines[1].starts_with(answers[i]), "{case}");
        assert!(lines[2].starts_with("等答复的时候，你走了 "), "{case}");
        let moves = num_after(case, "你走了 ", 0);
        let plays = i % 2 == 1;
        assert_eq!(moves >= 1.0, plays, "{case}");
        let Some(charts) = &charts else {
            continue;
        };
        let chart = &charts[i];
        // 客服查询的格子：睡眠 ▒（采样线程在很忙的机器上偶尔读不到系统调用号，记成等待 ·）。
        let mut lookup = chart.cells("114客服", '▒');
        lookup.extend(chart.cells("114客服", '·'));
        assert!(lookup.len() >= 5, "{case}");
        // 玩：客服查询的时候你在运行（CPU 号）或等 CPU（-）；等：你在等待（·）。
        let you = chart.row("你");
        let busy = lookup
            .iter()
            .filter(|&&c| you[c].is_ascii_digit() || you[c] == '-')
            .count();
        let waiting = lookup.iter().filter(|&&c| you[c] == '·').count();
        if plays {
            assert!(
                busy * 10 >= lookup.len() * 8,
                "plays: {busy}/{}\n{case}",
                lookup.len()
            );
        } else {
            assert!(
                waiting * 10 >= lookup.len() * 8,
                "waits: {waiting}/{}\n{case}",
                lookup.len()
            );
        }
    }
}

#[test]
fn concurrency_takes_the_sum_parallelism_divides_it() {
    let out = run(&["concurrency-parallelism"], "0.2");
    let (conc, par) = out
        .stdout
        .split_once("并行 (parallel)：")
        .expect("two halves");
    let charts = kernel_charts(&out);
    if let Some(charts) = &charts {
        let cpus: Vec<char> = FEAST.iter().flat_map(|t| charts[0].cpus(t)).collect();
        assert!(
            !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
            "one CPU\n{out}"
        );
    }
    let (sum, wall) = (
        num_after(conc, "计算时间之和: ", 0),
        num_after(conc, "总耗时: ", 0),
    );
    assert!(
        wall >= 0.9 * sum,
        "concurrent: wall {wall} < sum {sum}\n{out}"
    );
    let (sum, wall) = (
        num_after(par, "计算时间之和: ", 0),
        num_after(par, "总耗时: ", 0),
    );
    parallel_or_busy(&out, par, sum, wall);
    if let Some(charts) = &charts
        && cores() >= 2
        && !par.contains("机器忙")
    {
        let used: Vec<char> = FEAST.iter().flat_map(|t| charts[1].cpus(t)).collect();
        assert!(used.iter().any(|&c| c != used[0]), "several CPUs\n{out}");
    }
}

#[test]
fn tasks_vs_cores_tops_out_at_the_core_count_or_says_busy() {
    let out = run(&["tasks-vs-cores"], "0.05");
    let cores = cores();
    let rows = out
        .lines()
        .iter()
        .filter(|l| l.trim_end().ends_with('█') || l.contains("×  "))
        .count();
    assert_eq!(rows, 2 * cores, "one row per thread count\n{out}");
    if out.stdout.contains("注：机器忙 (busy)：量了 ") {
        assert!(!out.stdout.contains("结论："), "{out}");
    } else {
        let knee = num_after(&out.stdout, "结论：线程数到 ", 0);
        assert_eq!(knee as usize, cores, "{out}");
    }
    let Some(charts) = kernel_charts(&out) else {
        return;
    };
    let chart = &charts[0];
    for i in 1..=(cores + 1).min(2 * cores) {
        assert!(
            !chart.active(&format!("线程{i}")).is_empty(),
            "线程{i}\n{out}"
        );
    }
}
