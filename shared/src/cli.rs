//! 课程二进制的命令行（`cli` 特性）：每个课程的 `main.rs` 只交出例子表，其余都在这里。
//!
//! ```text
//! cargo run -p lesson-threads                   # 目录：按文档顺序列出每个例子和命令
//! cargo run -p lesson-threads -- lock           # 运行一个例子（调用 lock.rs 的 main）
//! cargo run -p lesson-threads -- 线程锁         # 文档标题是别名（只对应一个例子时）
//! cargo run -p lesson-threads -- all            # 依次运行所有会自己结束的例子，每个一个新进程
//! cargo run -p lesson-threads -- pool --timeline  # 运行后画出时间线
//! ```
//!
//! 每个例子是 clap 的一个子命令 (subcommand)：clap 负责别名、拼错时的建议、`--help`；
//! 带选项的例子把它自己的 `Opts`（clap 的 `Args`）挂在子命令上，复制走的程序用同一个
//! `Opts` 解析，所以两边接受同样的选项。退出码 (exit status)：成功 0；例子运行出错 1；
//! 输入有误（未知的例子或选项、选项超出范围、不合法的环境变量、非 UTF-8 的参数）2。
//! 出错时只打印一行，不打印 panic 回溯。

use std::error::Error;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command};

/// 例子的返回值：和例子文件里 `pub fn main()` 的返回类型一样。
pub type Outcome = Result<(), Box<dyn Error>>;

/// 一个课程：对应文档的一节。
#[derive(Debug)]
pub struct Lesson {
    /// 包名，如 `lesson-threads`，用来拼出命令。
    pub crate_name: &'static str,
    /// 文档的标题，如 `线程`。
    pub title: &'static str,
    /// 所有例子，按文档顺序。
    pub examples: &'static [Example],
    /// 画时间线的数据源；`None` 表示从内核读线程状态（[`crate::chart::Sampler`]）。
    pub recorder: Option<Recorder>,
}

/// 一个课程自己的时间线数据源（协程课：每个协程一行）。
#[derive(Debug, Clone, Copy)]
pub struct Recorder {
    /// 例子开始前调用。
    pub start: fn(),
    /// 例子结束后调用，交出记下的每一段。
    pub finish: fn() -> Vec<crate::chart::Span>,
}

/// 一个例子：名字、它对应的文档标题、一句说明、怎么运行。
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// 命令行上的名字，如 `lock`（SYLLABUS.md 里固定的名字）。
    pub name: &'static str,
    /// 它对应的文档标题，如 `线程锁`；只对应这一个例子时也是它的别名。
    pub heading: &'static str,
    /// 一句话说明它做什么。
    pub what: &'static str,
    /// 是否会自己结束；`false` 的例子要按 Ctrl-C，`all` 跳过它。
    pub ends: bool,
    /// 是否支持 `--timeline`。
    pub timeline: bool,
    /// 是否不用 `--timeline` 也自己画出时间线（程序运行概念一课）。
    pub draws_timeline: bool,
    run: Run,
}

#[derive(Debug, Clone, Copy)]
enum Run {
    Main(fn() -> Outcome),
    Opts(fn(Command) -> Command, fn(&ArgMatches) -> Outcome),
}

impl Example {
    /// 一个不带选项的例子：`main` 就是例子文件的 `pub fn main`。
    pub const fn new(
        name: &'static str,
        heading: &'static str,
        what: &'static str,
        main: fn() -> Outcome,
    ) -> Self {
        Example {
            name,
            heading,
            what,
            ends: true,
            timeline: false,
            draws_timeline: false,
            run: Run::Main(main),
        }
    }

    /// 带选项的例子：`args` 是例子的 `Opts::augment_args`，`run` 从解析结果取出 `Opts` 运行。
    pub const fn with_opts(
        name: &'static str,
        heading: &'static str,
        what: &'static str,
        args: fn(Command) -> Command,
        run: fn(&ArgMatches) -> Outcome,
    ) -> Self {
        let mut e = Example::new(name, heading, what, || Ok(()));
        e.run = Run::Opts(args, run);
        e
    }

    /// 不会自己结束（要按 Ctrl-C）。
    pub const fn endless(mut self) -> Self {
        self.ends = false;
        self
    }

    /// 支持 `--timeline`。
    pub const fn timeline(mut self) -> Self {
        self.timeline = true;
        self
    }

    /// 自己总是画出时间线，`--timeline` 可写可不写。
    pub const fn draws_timeline(mut self) -> Self {
        self.timeline = true;
        self.draws_timeline = true;
        self
    }
}

const ENV_HELP: &str = "环境变量 (environment)：
  LESSON_TIME_SCALE  所有睡眠和延时乘上它，0.001 到 100，默认 1（测试用 0.05）
  LESSON_SEED        假下载的随机种子（非负整数），设了就每次一样；默认每次随机";

/// 课程的入口：解析命令行、检查环境变量、运行例子，返回退出码。
pub fn main(lesson: &Lesson) -> ExitCode {
    restore_sigpipe();
    match run(lesson, std::env::args_os().collect()) {
        Ok(code) => code,
        Err(Failure::Usage(line)) => {
            eprintln!("错误 (error)：{line}");
            ExitCode::from(2)
        }
        // 读输出的一方已经走了（`… | head`）：子进程或线程多半因此失败，安静地结束。
        Err(Failure::Run(_)) if stdout_gone() => ExitCode::from(141),
        Err(Failure::Run(line)) => {
            eprintln!("错误 (error)：{line}");
            ExitCode::FAILURE
        }
    }
}

/// 标准输出是不是一个已经没有读者的管道。
fn stdout_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: 1,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: 一个有效的 pollfd，超时 0：只看一眼当前的状态，不等待。
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready == 1 && fd.revents & libc::POLLERR != 0
}

/// 一次失败：输入有误（退出码 2）或运行出错（退出码 1），各是一行。
#[derive(Debug)]
pub enum Failure {
    /// 输入有误。
    Usage(String),
    /// 运行出错。
    Run(String),
}

/// 解析 `argv` 并运行；`--help` 和目录打印后返回成功。
pub fn run(lesson: &Lesson, argv: Vec<std::ffi::OsString>) -> Result<ExitCode, Failure> {
    if let Some(name) = argv.get(1).and_then(|a| a.to_str())
        && let Err(names) = resolve(lesson, name)
        && names.len() > 1
    {
        return Err(Failure::Usage(format!(
            "标题 {name} 对应好几个例子，请用名字 (ambiguous heading)：{}",
            names.join(", ")
        )));
    }
    let matches = match command(lesson).try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp) => {
            println!("{}", e.render().to_string().trim_end());
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(Failure::Usage(one_line(&e))),
    };
    crate::time::check_env().map_err(|e| Failure::Usage(e.0))?;
    let timeline = matches.get_flag("timeline");
    let Some((name, sub)) = matches.subcommand() else {
        print!("{}", table_of_contents(lesson));
        return Ok(ExitCode::SUCCESS);
    };
    if name == "all" {
        return run_all(lesson, timeline);
    }
    let example = lesson.examples.iter().find(|e| e.name == name);
    let example = example.ok_or_else(|| Failure::Usage(format!("没有例子 {name}")))?;
    if timeline && !example.timeline {
        let with: Vec<_> = lesson
            .examples
            .iter()
            .filter(|e| e.timeline)
            .map(|e| e.name)
            .collect();
        return Err(Failure::Usage(format!(
            "例子 {name} 没有时间线 (no --timeline)；有时间线的例子：{}",
            with.join(", ")
        )));
    }
    let fail = |e: Box<dyn Error>| match e.downcast_ref::<std::io::Error>() {
        // `thread::Builder::spawn` 被操作系统拒绝时就是这个错误：说清楚是什么不够。
        Some(io) if io.raw_os_error() == Some(libc::EAGAIN) => Failure::Run(format!(
            "操作系统不让再开线程或进程 (resource temporarily unavailable)：{io}"
        )),
        _ => Failure::Run(e.to_string().replace('\n', " ")),
    };
    let draw = timeline && !example.draws_timeline;
    let sampler = match (draw, lesson.recorder) {
        (false, _) => None,
        (true, Some(r)) => {
            (r.start)();
            None
        }
        (true, None) => Some(crate::chart::Sampler::start().map_err(|e| fail(e.into()))?),
    };
    match example.run {
        Run::Main(main) => main(),
        Run::Opts(_, run) => run(sub),
    }
    .map_err(fail)?;
    if draw {
        let spans = match (sampler, lesson.recorder) {
            (Some(s), _) => s.finish(),
            (None, Some(r)) => (r.finish)(),
            (None, None) => Vec::new(),
        };
        print!("\n{}", crate::chart::render(&spans));
    }
    Ok(ExitCode::SUCCESS)
}

/// 按名字或文档标题找例子：找到一个就是它；标题对应几个例子时返回它们的名字。
///
/// 例子的标题可以带一个细分，如 `守护线程 · daemon=True`：完整的标题只对应它自己，
/// 前半部分 `守护线程` 对应这一节的所有例子。
pub fn resolve<'a>(lesson: &'a Lesson, name: &str) -> Result<&'a Example, Vec<&'static str>> {
    let base = |e: &Example| e.heading.split(" · ").next().unwrap_or(e.heading);
    let exact: Vec<_> = lesson
        .examples
        .iter()
        .filter(|e| e.name == name || e.heading == name)
        .collect();
    let by_base: Vec<_> = lesson.examples.iter().filter(|e| base(e) == name).collect();
    match (exact.as_slice(), by_base.as_slice()) {
        ([one], _) if one.name == name => Ok(one),
        ([one], [] | [_]) => Ok(one),
        (_, [one]) => Ok(one),
        (_, many) => Err(many.iter().map(|e| e.name).collect()),
    }
}

/// clap 的命令：每个例子一个子命令，再加 `all` 和全局的 `--timeline`。
pub fn command(lesson: &Lesson) -> Command {
    let mut cmd = Command::new(lesson.crate_name)
        .bin_name(format!("cargo run -p {} --", lesson.crate_name))
        .about(format!(
            "并发编程 in Rust：{}（不写例子名则列出目录）",
            lesson.title
        ))
        .after_help(ENV_HELP)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("timeline")
                .long("timeline")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("运行后画出时间线 (print a timeline after the output)"),
        );
    for e in lesson.examples {
        let mut sub = Command::new(e.name)
            .about(format!("{} · {}", e.heading, e.what))
            .after_help(ENV_HELP);
        if resolve(lesson, e.heading).is_ok_and(|found| found.name == e.name) {
            sub = sub.visible_alias(e.heading);
        }
        if let Run::Opts(args, _) = e.run {
            sub = args(sub);
        }
        cmd = cmd.subcommand(sub);
    }
    cmd.subcommand(Command::new("all").about("依次运行所有会自己结束的例子，每个在自己的进程里"))
}

/// clap 的错误有好几行；这里只留一行，中文在前，英文术语放在括号里。
fn one_line(e: &clap::Error) -> String {
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let tip = match context(ContextKind::SuggestedSubcommand) {
        s if s.is_empty() => String::new(),
        s => format!("；是不是 {s} (did you mean)？"),
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "没有叫 {} 的例子 (unknown example){tip} 不带参数运行可以看到目录",
            context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!(
            "不认识的选项 (unexpected argument) {}；用 --help 看可用的选项",
            context(ContextKind::InvalidArg)
        ),
        ErrorKind::InvalidUtf8 => "参数不是 UTF-8 (invalid UTF-8)".to_owned(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!(
                "选项 {} 的值 {:?} 不行 (invalid value){why}；用 --help 看范围",
                context(ContextKind::InvalidArg),
                context(ContextKind::InvalidValue)
            )
        }
        _ => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            format!(
                "参数有误 (invalid argument)：{}",
                first.trim_start_matches("error: ")
            )
        }
    }
}

fn run_all(lesson: &Lesson, timeline: bool) -> Result<ExitCode, Failure> {
    let io = |e: std::io::Error| Failure::Run(e.to_string());
    let exe = std::env::current_exe().map_err(io)?;
    for (i, e) in lesson.examples.iter().filter(|e| e.ends).enumerate() {
        let gap = if i > 0 { "\n" } else { "" };
        println!("{gap}=== {} · {} ===", e.heading, e.name);
        // 每个例子在自己的新进程里运行，就像手动一个一个运行：上一个例子留下的线程
        // （守护线程、卡在屏障上的线程）随它的进程结束，不会混进下一个例子。
        let mut child = std::process::Command::new(&exe);
        child.arg(e.name);
        if timeline && e.timeline && !e.draws_timeline {
            child.arg("--timeline");
        }
        let status = die_with_parent(&mut child).status().map_err(io)?;
        if status_is_sigpipe(&status) {
            // 读输出的一方（比如 `| head`）已经走了：安静地结束，和单个例子一样。
            return Ok(ExitCode::from(141));
        }
        if !status.success() {
            return Err(Failure::Run(format!("例子 {} 失败（{status}）", e.name)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_is_sigpipe(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(libc::SIGPIPE)
}

/// 写入已关闭的管道（如 `… | head`）时安静地结束进程，而不是 panic。
///
/// Rust 程序启动时忽略 SIGPIPE，于是 `println!` 写坏掉的管道会 panic；命令行工具的
/// 惯例是被这个信号直接结束。
pub fn restore_sigpipe() {
    // SAFETY: 在启动任何线程之前把一个信号恢复成默认处理，不涉及任何 Rust 对象。
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// 让子进程在父进程死掉时也被结束（Linux 的 `PR_SET_PDEATHSIG`）。
fn die_with_parent(command: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: 闭包在 fork 之后、exec 之前的子进程里运行，只调用异步信号安全的 prctl。
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command
}

/// 目录 (table of contents)：每个例子的命令、文档标题和一句说明。
pub fn table_of_contents(lesson: &Lesson) -> String {
    let cmd = |name: &str| format!("cargo run -p {} -- {name}", lesson.crate_name);
    let mut out = format!(
        "{} — {}\n例子按文档顺序排列 (examples in document order)：\n\n",
        lesson.crate_name, lesson.title
    );
    for e in lesson.examples {
        let _ = std::fmt::Write::write_fmt(
            &mut out,
            format_args!("  {}\n      {} · {}", cmd(e.name), e.heading, e.what),
        );
        if resolve(lesson, e.heading).is_ok_and(|found| found.name == e.name) {
            out += &format!("（别名：{}）", e.heading);
        }
        if !e.ends {
            out += "  [不会自己结束，按 Ctrl-C 停止]";
        }
        if e.timeline && !e.draws_timeline {
            out += "  [可加 --timeline]";
        }
        out.push('\n');
    }
    out + &format!(
        "  {}\n      依次运行所有会自己结束的例子\n\n{ENV_HELP}\n",
        cmd("all")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Outcome {
        Ok(())
    }

    fn fails() -> Outcome {
        Err("坏了".into())
    }

    #[derive(Debug, clap::Args)]
    struct Opts {
        /// 多少个
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=9))]
        max: u32,
    }

    fn with_opts(m: &ArgMatches) -> Outcome {
        use clap::FromArgMatches;
        let opts = Opts::from_arg_matches(m)?;
        if opts.max == 9 {
            Err("九".into())
        } else {
            Ok(())
        }
    }

    static EXAMPLES: &[Example] = &[
        Example::new("one", "标题甲", "第一个", ok).timeline(),
        Example::new("two", "共同标题", "第二个", ok),
        Example::new("three", "共同标题 · 细分", "第三个", fails),
        Example::new("forever", "标题乙", "不会结束", ok).endless(),
        Example::with_opts(
            "opts",
            "标题丙",
            "带选项",
            <Opts as clap::Args>::augment_args,
            with_opts,
        ),
    ];
    static LESSON: Lesson = Lesson {
        crate_name: "lesson-test",
        title: "测试",
        examples: EXAMPLES,
        recorder: None,
    };

    fn code(args: &[&str]) -> Result<ExitCode, Failure> {
        let argv = std::iter::once("lesson-test").chain(args.iter().copied());
        run(&LESSON, argv.map(Into::into).collect())
    }

    fn usage(args: &[&str]) -> String {
        match code(args) {
            Err(Failure::Usage(line)) => {
                assert!(!line.contains('\n'), "one line: {line}");
                line
            }
            other => panic!("{args:?}: want a usage error, got {other:?}"),
        }
    }

    #[test]
    fn names_full_headings_and_options_run_their_example() {
        for args in [
            &["one"][..],
            &["标题甲"],
            &["one", "--timeline"],
            &["--timeline", "one"],
            &["opts", "--max", "3"],
            &[],
            &["--help"],
            &["opts", "--help"],
        ] {
            assert!(code(args).is_ok(), "{args:?}");
        }
    }

    #[test]
    fn a_heading_of_several_examples_names_them() {
        let line = usage(&["共同标题"]);
        assert!(line.contains("two, three"), "{line}");
        assert_eq!(
            resolve(&LESSON, "共同标题 · 细分").map(|e| e.name),
            Ok("three")
        );
        assert_eq!(resolve(&LESSON, "标题甲").map(|e| e.name), Ok("one"));
        assert_eq!(resolve(&LESSON, "没有").map(|e| e.name), Err(vec![]));
    }

    #[test]
    fn typos_get_a_suggestion_and_bad_input_is_a_usage_error() {
        assert!(usage(&["onee"]).contains("one"));
        assert!(usage(&["--nope"]).contains("--nope"));
        assert!(usage(&["one", "--nope"]).contains("--nope"));
        assert!(usage(&["two", "--timeline"]).contains("one"));
        assert!(usage(&["opts", "--max", "10"]).contains("10"));
        assert!(usage(&["opts", "--max", "x"]).contains('x'));
        assert!(usage(&["all", "x"]).contains('x'));
    }

    #[test]
    fn a_failing_example_is_a_run_error() {
        assert!(matches!(code(&["three"]), Err(Failure::Run(l)) if l == "坏了"));
        assert!(matches!(code(&["opts", "--max", "9"]), Err(Failure::Run(l)) if l == "九"));
    }

    #[test]
    fn table_of_contents_lists_every_example_in_order() {
        let toc = table_of_contents(&LESSON);
        let at = |s: &str| toc.find(s).unwrap_or_else(|| panic!("{s} missing:\n{toc}"));
        assert!(at("-- one\n") < at("-- two\n"));
        assert!(at("-- two\n") < at("-- three\n"));
        assert!(at("-- opts\n") < at("-- all\n"));
        assert!(toc.contains("别名：标题甲"));
        assert!(!toc.contains("别名：共同标题）"));
        assert!(toc.contains("别名：共同标题 · 细分"));
        assert!(toc.contains("Ctrl-C"));
        assert!(toc.contains("LESSON_TIME_SCALE"));
    }
}
