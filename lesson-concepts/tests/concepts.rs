//! 每个例子的说法 (claim)：README 里这一节的表说它演示什么，这里逐条量。
//! 图和数都来自同一次运行；时间只比相对关系。
//! 每个说法一个 `check_…`：按测试自己的时间比例运行一次，再按允许的最小比例 0.001 运行一次
//! （例子说一行、按它的下限运行），两次都要成立。机器忙的那条路在 `tests/busy.rs`。

mod common;

use common::{
    Chart, busy_note_agrees, cores, fair_bound, kernel_charts, num_after, run, run_beside_spinners,
};
use shared_testing::Output;

const FEAST: [&str; 3] = ["喝酒", "抽烟", "吃烤鸭"];

/// 检查一个例子的输出。
type Check = fn(&Output);

/// 每个例子和测试它的时间比例、检查它的函数。
const EXAMPLES: [(&str, &str, Check); 8] = [
    ("one-core-one-task", "0.05", check_one_core_one_task),
    ("one-core-many-tasks", "0.2", check_one_core_many_tasks),
    ("many-cores-many-tasks", "0.2", check_many_cores_many_tasks),
    ("sync-async", "0.2", check_sync_async),
    ("blocking", "0.1", check_blocking),
    ("phone-114", "0.2", check_phone_114),
    (
        "concurrency-parallelism",
        "0.2",
        check_concurrency_parallelism,
    ),
    ("tasks-vs-cores", "0.2", check_tasks_vs_cores),
];

/// 例子的时间比例下限（例子里的 `at_least`）：tasks-vs-cores 的表要 0.2 秒的计算
/// （默认 `--work 1`），sync-async 的交接要看得清，三件事分到两个核上的两个例子和 phone-114
/// 一口计算要 20 毫秒，其余的 5 毫秒。
fn floor_of(name: &str) -> &'static str {
    match name {
        "tasks-vs-cores"
        | "sync-async"
        | "many-cores-many-tasks"
        | "phone-114"
        | "concurrency-parallelism" => "0.2",
        _ => "0.05",
    }
}

/// 按测试的时间比例运行例子 `name`，检查它的说法。
fn check(name: &str) {
    let (_, scale, check) = EXAMPLES
        .iter()
        .find(|(n, _, _)| *n == name)
        .expect("listed");
    check(&run(&[name], scale));
}

/// 机器忙的那条路：本进程能用的每个 CPU 上都绑着两个转圈的线程。量数的例子不能拿这次的数
/// 下结论，要说一行机器忙；图和数照样一致（和平常一样的检查）。
#[test]
fn beside_spinning_threads_each_measured_example_says_busy() {
    let busy = [
        (
            "one-core-one-task",
            "注：机器忙 (busy)：这个 CPU 还在运行别的线程或程序",
        ),
        (
            "one-core-many-tasks",
            "注：机器忙 (busy)：这个 CPU 平均只有 ",
        ),
        (
            "many-cores-many-tasks",
            "注：机器忙 (busy)：三件事平均只有 ",
        ),
        ("concurrency-parallelism", "：有一半机器忙，见上面的注."),
        ("tasks-vs-cores", "注：机器忙 (busy)：量了 5 遍"),
    ];
    for (name, note) in busy {
        if !shared::work::CAN_PIN && name.starts_with("one-core") {
            continue; // 不能绑核的系统上，"一个 CPU"的例子本来就分到了几个 CPU 上
        }
        let (_, scale, check) = EXAMPLES
            .iter()
            .find(|(n, _, _)| *n == name)
            .expect("listed");
        // 表要量五遍：每个线程数量一次就够看出机器忙了。
        let args: &[&str] = if name == "tasks-vs-cores" {
            &[name, "--repeat", "1"]
        } else {
            &[name]
        };
        let out = run_beside_spinners(args, scale);
        assert!(out.stdout.contains(note), "{note}\n{out}");
        check(&out);
    }
}

/// 允许的最小时间比例 0.001：每个例子先说一行它按自己的下限运行，然后说法照样成立。
#[test]
fn every_example_keeps_its_claim_at_the_smallest_accepted_scale() {
    for (name, _, check) in EXAMPLES {
        let floor = floor_of(name);
        let note = format!(
            "注：LESSON_TIME_SCALE=0.001 比这个例子的下限 {floor} 还小：计算和等待短过调度的时间片，看不出要演示的事、也量不准；这次按 {floor} 运行."
        );
        let out = run(&[name], "0.001");
        let (first, rest) = out.stdout.split_once('\n').expect("lines");
        assert_eq!(first, note, "{name}\n{out}");
        assert!(!rest.contains("LESSON_TIME_SCALE"), "one note\n{out}");
        check(&Output {
            stdout: rest.to_owned(),
            ..out
        });
    }
}

#[test]
fn one_core_one_task_finishes_each_task_before_the_next_starts() {
    check("one-core-one-task");
}

fn check_one_core_one_task(out: &Output) {
    let lines = out.lines();
    assert!(lines[0].starts_with("单核单任务："), "{out}");
    for (i, task) in FEAST.iter().enumerate() {
        assert!(
            lines[i + 1].starts_with(&format!("{task}：5 口，用时 ")),
            "{out}"
        );
    }
    // 一件接一件：每件的用时加起来不超过总耗时（三件没有重叠）。
    let took: Vec<f64> = (0..3)
        .map(|i| num_after(&out.stdout, "口，用时 ", i))
        .collect();
    let wall = num_after(&out.stdout, "总耗时: ", 0);
    assert!(
        took.iter().sum::<f64>() <= wall * 1.001 + 0.001,
        "took {took:?} > wall {wall}\n{out}"
    );
    // 用时和算的时间差不多；有一件差得多（排队等 CPU）时例子说机器忙，反过来也一样。
    let note = "注：机器忙 (busy)：这个 CPU 还在运行别的线程或程序，有的事用时比它算的时间长得多";
    let said = out.stdout.contains(note);
    let below: Vec<f64> = (0..3)
        .map(|i| num_after(&out.stdout, "在 CPU 上算了 ", i) / took[i] - fair_bound(1, took[i], 1))
        .collect();
    if said {
        assert!(below.iter().any(|&b| b < 0.05), "busy? {below:?}\n{out}");
    } else {
        assert!(
            below.iter().all(|&b| b > -0.05),
            "not busy? {below:?}\n{out}"
        );
    }
    let Some(charts) = kernel_charts(out) else {
        return;
    };
    let chart = &charts[0];
    // 一个 CPU：三行只出现同一个 CPU 号。
    let cpus = chart.pinned_cpus(&FEAST);
    assert!(
        !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
        "{out}"
    );
    // 台阶：前一件最后一次出现（运行或等 CPU）不晚于后一件第一次出现。
    // 交接的那一格可以两边都有：前一件在那一格里退出，后一件在那一格里出生（一格约 1 毫秒，
    // 和采样的间隔差不多）。一起做的话会重叠很多格。
    for pair in FEAST.windows(2) {
        let (a, b) = (chart.active(pair[0]), chart.active(pair[1]));
        let (last, first) = (a.last().expect("ran"), b.first().expect("ran"));
        assert!(
            *last <= first + 1,
            "{} overlaps {}\n{out}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn one_core_many_tasks_interleave_on_one_cpu_and_take_the_sum() {
    check("one-core-many-tasks");
}

fn check_one_core_many_tasks(out: &Output) {
    // 一个 CPU 上，总耗时不可能比三件的计算之和短；这个 CPU 还在运行别的时，例子说机器忙。
    let sum = num_after(&out.stdout, "计算时间之和: ", 0);
    let wall = num_after(&out.stdout, "总耗时: ", 0);
    assert!(wall >= 0.9 * sum, "wall {wall} < sum {sum}\n{out}");
    busy_note_agrees(
        out,
        "注：机器忙 (busy)：这个 CPU 平均只有 ",
        sum,
        3,
        wall,
        1,
    );
    let Some(charts) = kernel_charts(out) else {
        return;
    };
    let chart = &charts[0];
    let cpus = chart.pinned_cpus(&FEAST);
    assert!(
        !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
        "one CPU\n{out}"
    );
    // 图和旁边的数一致：每行运行的格子占的比例 ≈ 这件事的 CPU 时间 ÷ 总耗时。
    for (i, task) in FEAST.iter().enumerate() {
        let ran = num_after(&out.stdout, "口，在 CPU 上算了 ", i);
        chart.agrees(task, &FEAST, ran / wall, out);
    }
    one_cpu_at_a_time(chart, out);
    // 交错：运行的格子在三行之间来回换，不是一件做完再做下一件。
    taking_turns(chart, out);
}

/// 一列里一个 CPU 号只出现在一行：同一时刻一个 CPU 只运行一个线程。
#[track_caller]
fn one_cpu_at_a_time(chart: &Chart, out: &Output) {
    for col in 0..chart.rows[0].1.len() {
        let mut cpus: Vec<char> = chart
            .rows
            .iter()
            .map(|(_, cells)| cells[col])
            .filter(char::is_ascii_digit)
            .collect();
        let n = cpus.len();
        cpus.sort_unstable();
        cpus.dedup();
        assert_eq!(cpus.len(), n, "column {col}\n{out}");
    }
}

/// 轮流：运行的格子在几行之间来回换。一件做完再做下一件只换两次；机器很忙、运行的格子
/// 很少时，每两格换一次也算（至多要求 10 次）。
#[track_caller]
fn taking_turns(chart: &Chart, out: &Output) {
    let running: usize = FEAST
        .iter()
        .map(|t| chart.row(t).iter().filter(|c| c.is_ascii_digit()).count())
        .sum();
    let need = 10.min(running / 2).max(3);
    let got = switches(chart, &FEAST);
    assert!(
        got >= need,
        "interleaved: {got} switches, {running} running cells\n{out}"
    );
}

/// 运行的格子从一行换到另一行的次数（只看 `tasks` 这几行）。
fn switches(chart: &Chart, tasks: &[&str]) -> usize {
    let mut runner = Vec::new();
    for col in 0..chart.row(tasks[0]).len() {
        if let Some(t) = tasks
            .iter()
            .position(|t| chart.row(t)[col].is_ascii_digit())
            && runner.last() != Some(&t)
        {
            runner.push(t);
        }
    }
    runner.len().saturating_sub(1)
}

/// 并行的说法：三件事平均同时在运行的个数达到 min(3, 核数) 的八成，不然例子说机器忙。
fn parallel_or_busy(out: &Output, section: &str, sum: f64, wall: f64) {
    let section = Output {
        stdout: section.to_owned(),
        stderr: out.stderr.clone(),
        ..*out
    };
    busy_note_agrees(
        &section,
        "注：机器忙 (busy)：",
        sum,
        3,
        wall,
        3.min(cores()),
    );
}

#[test]
fn many_cores_many_tasks_shows_all_three_and_says_who_waits() {
    check("many-cores-many-tasks");
}

fn check_many_cores_many_tasks(out: &Output) {
    let charts = kernel_charts(out);
    assert!(
        out.lines()[0].ends_with(&format!("本进程可用 {} 个 CPU。", cores())),
        "{out}"
    );
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
    parallel_or_busy(out, &out.stdout, sum, wall);
    if let Some(charts) = &charts {
        for (i, task) in FEAST.iter().enumerate() {
            let ran = num_after(&out.stdout, "：在 CPU 上算了 ", i);
            charts[0].agrees(task, &FEAST, ran / wall, out);
        }
        one_cpu_at_a_time(&charts[0], out);
    }
}

#[test]
fn sync_waits_for_the_result_async_does_not() {
    // 时间比例 0.2：采样每 1 毫秒一次，图上一格要比它长，交接处才最多差一两格。
    check("sync-async");
}

fn check_sync_async(out: &Output) {
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
    let Some(charts) = kernel_charts(out) else {
        return;
    };
    // 同步：任务2 先等（·），等上以后，任务1 最后一次运行之后它才运行（交接的那一格可以
    // 两边都有）。等之前那一下是它把自己绑到 CPU 上：这个虚拟机上绑核有时要一毫秒上下的
    // CPU 时间，图上可能有一格运行，那不是在计算。
    let digits = |row: &str, from: usize| {
        let cells = charts[0].row(row);
        (from..cells.len())
            .filter(|&i| cells[i].is_ascii_digit())
            .collect::<Vec<_>>()
    };
    let waits = charts[0].cells("任务2", '·');
    assert!(!waits.is_empty(), "任务2 waits\n{out}");
    let (t1, t2) = (digits("任务1", 0), digits("任务2", waits[0]));
    assert!(t2[0] + 2 >= *t1.last().expect("任务1 ran"), "{out}");
}

#[test]
fn blocking_wastes_the_gap_nonblocking_fills_it() {
    check("blocking");
}

fn check_blocking(out: &Output) {
    let (blocking, non) = out
        .stdout
        .split_once("非阻塞 (nonblocking)：")
        .expect("two halves");
    assert!(blocking.contains("任务2 做了 0 口."), "{out}");
    assert!(num_after(non, "任务2 做了 ", 0) >= 1.0, "{out}");
    let Some(charts) = kernel_charts(out) else {
        return;
    };
    for (chart, waits) in charts.iter().zip([true, false]) {
        let gap = chart.cells("读数据", '▒');
        if gap.len() < 5 {
            // 机器忙得一个人几乎分不到 CPU：整张图拉得很长，0.5 秒的空隙只剩几格，看不出比例。
            continue;
        }
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
    check("phone-114");
}

fn check_phone_114(out: &Output) {
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
    let charts = kernel_charts(out);
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
        if lookup.len() < 5 {
            // 机器忙得你几乎分不到 CPU：图拉得很长，客服的查询只剩几格，看不出比例。
            continue;
        }
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
    check("concurrency-parallelism");
}

fn check_concurrency_parallelism(out: &Output) {
    let (conc, par) = out
        .stdout
        .split_once("并行 (parallel)：")
        .expect("two halves");
    let (par, end) = par.rsplit_once("\n\n").expect("the speed-up line");
    let charts = kernel_charts(out);
    let pinned = shared::work::CAN_PIN;
    if let Some(charts) = &charts {
        let cpus = charts[0].pinned_cpus(&FEAST);
        assert!(
            !cpus.is_empty() && cpus.iter().all(|&c| c == cpus[0]),
            "one CPU\n{out}"
        );
    }
    let (sum_c, wall_c) = (
        num_after(conc, "计算时间之和: ", 0),
        num_after(conc, "总耗时: ", 0),
    );
    if pinned {
        // 一个 CPU：总耗时不比计算之和短；这个 CPU 还在运行别的时，这一半说机器忙。
        assert!(
            wall_c >= 0.9 * sum_c,
            "concurrent: wall {wall_c} < sum {sum_c}\n{out}"
        );
        let conc = Output {
            stdout: conc.to_owned(),
            stderr: out.stderr.clone(),
            ..*out
        };
        busy_note_agrees(&conc, "注：机器忙 (busy)：", sum_c, 3, wall_c, 1);
    }
    // 图上每行运行的格子和这件事的 CPU 时间 ÷ 总耗时一致，一个 CPU 上三行轮流。
    if let Some(charts) = &charts {
        for (i, task) in FEAST.iter().enumerate() {
            let ran = num_after(conc, "：在 CPU 上算了 ", i);
            charts[0].agrees(task, &FEAST, ran / wall_c, out);
        }
        one_cpu_at_a_time(&charts[0], out);
        taking_turns(&charts[0], out);
    }
    let cores = cores();
    assert!(
        par.starts_with(&format!(
            "同样三件事，由操作系统分到本进程可用的 {cores} 个 CPU 上同时执行。"
        )),
        "{out}"
    );
    // 只能用一个 CPU 时直说"所有 CPU"就是这一个。
    assert_eq!(
        par.contains("本进程只能用 1 个 CPU：\"所有 CPU\"就是这一个"),
        cores == 1,
        "{out}"
    );
    let (sum_p, wall_p) = (
        num_after(par, "计算时间之和: ", 0),
        num_after(par, "总耗时: ", 0),
    );
    parallel_or_busy(out, par, sum_p, wall_p);
    if let Some(charts) = &charts {
        for (i, task) in FEAST.iter().enumerate() {
            let ran = num_after(par, "：在 CPU 上算了 ", i);
            charts[1].agrees(task, &FEAST, ran / wall_p, out);
        }
        one_cpu_at_a_time(&charts[1], out);
    }
    if let Some(charts) = &charts
        && cores >= 2
        && !par.contains("机器忙")
    {
        let used: Vec<char> = FEAST.iter().flat_map(|t| charts[1].cpus(t)).collect();
        assert!(used.iter().any(|&c| c != used[0]), "several CPUs\n{out}");
    }
    // 加速比：两半都分到了该有的 CPU、又不超过最多的那个数，才直接给出；不然说为什么不算数。
    let best = 3.min(cores);
    let most = format!("最多 min(任务数 3, 核数 {cores}) = {best}");
    let busy = conc.contains("机器忙 (busy)") || par.contains("机器忙 (busy)");
    let end = end.trim_end();
    let speedup = if busy {
        assert!(
            end.starts_with("注：这次的加速比 ") && end.contains("有一半机器忙"),
            "{out}"
        );
        num_after(end, "注：这次的加速比 ", 0)
    } else if end.starts_with("注：") {
        assert!(end.contains(&format!("比{most} 还大，不算数")), "{out}");
        let x = num_after(end, "注：这次的加速比 ", 0);
        assert!(x > best as f64, "{out}");
        x
    } else {
        assert!(
            end.starts_with("加速比 (speed-up)：并发总耗时 ÷ 并行总耗时 = "),
            "{out}"
        );
        assert!(end.ends_with(&format!("，{most}.")), "{out}");
        let x = num_after(end, "并行总耗时 = ", 0);
        assert!(x <= best as f64, "{out}");
        x
    };
    let ratio = wall_c / wall_p;
    assert!(
        (speedup - ratio).abs() <= 0.02 * ratio + 0.01,
        "{speedup} vs {ratio}\n{out}"
    );
}

#[test]
fn tasks_vs_cores_tops_out_at_the_core_count_or_says_busy() {
    check("tasks-vs-cores");
}

fn check_tasks_vs_cores(out: &Output) {
    let cores = cores();
    assert!(
        out.lines()[0].ends_with(&format!("本进程可用 {cores} 个 CPU.")),
        "{out}"
    );
    // 表的每一行：线程数、总耗时、加速比。
    let rows: Vec<(usize, f64)> = out
        .lines()
        .iter()
        .filter(|l| l.contains("×  ") || l.trim_end().ends_with('×'))
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let n = fields[0].parse().expect("threads");
            let s = fields[2].trim_end_matches('×').parse().expect("speed-up");
            (n, s)
        })
        .collect();
    assert_eq!(rows.len(), 2 * cores, "one row per thread count\n{out}");
    if out.stdout.contains("给得出的还多：1 个线程那一行") {
        assert!(!out.stdout.contains("结论："), "{out}");
        // 说出哪一行快得超过了它的 CPU 个数。
        let n = num_after(&out.stdout, "量了 5 遍，", 0) as usize;
        let speedup = num_after(&out.stdout, "个线程的加速比 ", 0);
        assert!(speedup > n.min(cores) as f64, "{out}");
        assert_eq!(rows[n - 1].1, speedup, "{out}");
    } else if out.stdout.contains("倍：CPU 算同样的活时快时慢") {
        assert!(!out.stdout.contains("结论："), "{out}");
        // 说出哪一行用掉的 CPU 时间和 1 个线程时差得多。
        let times = num_after(&out.stdout, "CPU 时间总是 1 个线程时的 ", 0);
        assert!((times - 1.0).abs() > 0.14, "{out}");
    } else if out.stdout.contains("注：机器忙 (busy)：量了 ") {
        assert!(!out.stdout.contains("结论："), "{out}");
        // 说出哪一行的线程没分到该有的 CPU。
        let (n, at_once) = (
            num_after(&out.stdout, "CPU（", 0) as usize,
            num_after(&out.stdout, "个同时在算，只有 ", 0),
        );
        let could = n.min(cores);
        let bound = shared::work::FAIR * shared::work::fair_share(n, could);
        assert!(at_once < bound + 0.05 * could as f64, "{out}");
    } else {
        // 结论引用它下结论的那一行：线程数等于核数，加速比是那一行的。
        let knee = num_after(&out.stdout, "结论：线程数到 ", 0) as usize;
        assert_eq!(knee, cores, "{out}");
        let quoted = num_after(&out.stdout, "加速比就到顶了（", 0);
        assert_eq!(quoted, rows[knee - 1].1, "{out}");
        // "最多到" 是表里最大的加速比，比到顶那一行多不到半个 CPU。
        let most = num_after(&out.stdout, "加速比最多到 ", 0);
        let top = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        assert_eq!(most, top, "{out}");
        assert!(most - quoted < 0.5, "{out}");
        assert!(
            out.stdout
                .contains(&format!("），本进程可用 {cores} 个 CPU；")),
            "{out}"
        );
    }
    let Some(charts) = kernel_charts(out) else {
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
