//! 课程二进制的命令行（`cli` 特性）：每个课程的 `main.rs` 只交出例子表，其余都在这里。
//!
//! ```text
//! cargo run -p lesson-threads                   # 目录：按文档顺序列出每个例子和命令
//! cargo run -p lesson-threads -- lock           # 运行一个例子（调用 lock.rs 的 main）
//! cargo run -p lesson-threads -- 线程锁         # 文档标题是别名（只对应一个例子时）
//! cargo run -p lesson-threads -- 线程锁 · 死锁  # 不加引号也行：几个词拼回一个标题
//! cargo run -p lesson-threads -- all            # 依次运行所有会自己结束的例子，每个一个新进程
//! cargo run -p lesson-threads -- pool --timeline  # 运行后画出时间线
//! ```
//!
//! 每个例子是 clap 的一个子命令 (subcommand)：clap 负责别名、拼错时的建议、`--help`；
//! 带选项的例子把它自己的 `Opts`（clap 的 `Args`）挂在子命令上，复制走的程序用同一个
//! `Opts` 解析，所以两边接受同样的选项。例子名单只有一份：课程 `lib.rs` 里的 `EXAMPLES`。
//! 退出码 (exit status)：成功 0；例子运行出错、标准输出写不出去 1；输入有误（未知的例子或
//! 选项、选项超出范围、不合法的环境变量、非 UTF-8 的参数）2。出错时只打印一行，说出是哪个
//! 例子、什么不够或什么坏了，不打印 panic 回溯；读输出的一方走了（`… | head`）时什么也不说。

use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// 命令行上的名字，如 `lock`（名字是固定的：README、测试和读者的笔记都用它）。
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
    /// 是否是测量类的例子：量出来的数只有优化过的构建才有意义，命令里带 `--release`。
    pub measured: bool,
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
            measured: false,
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

    /// 测量类的例子：目录里的命令带 `--release`。
    pub const fn measured(mut self) -> Self {
        self.measured = true;
        self
    }

    /// 运行它的命令，如 `cargo run -p lesson-threads -- lock`；测量类的例子是
    /// `cargo run --release -p lesson-threads -- costs`。
    pub fn command(&self, lesson: &Lesson) -> String {
        let release = if self.measured { " --release" } else { "" };
        format!(
            "cargo run{release} -p {} -- {}",
            lesson.crate_name, self.name
        )
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

/// 读输出的一方走了（`… | head`）时的退出码：和 shell 里被 SIGPIPE 结束的进程一样是 128 + 13。
/// Windows 没有这个信号，课程的程序在那里也用这个退出码安静地结束。
pub const STDOUT_GONE: u8 = 141;

/// 课程的入口：解析命令行、检查环境变量、运行例子，返回退出码。
pub fn main(lesson: &Lesson) -> ExitCode {
    guard_output();
    let outcome = run(lesson, std::env::args_os().collect());
    // 最后刷新标准输出，并检查结果：例子的线程写失败后留在缓冲区里的字节（比如 `daemon`
    // 的 Ping、Pong 写不出去时），或者 `print!` 没换行的最后一段，在这里才写出去。
    // 写不出去就说一行、退出码 1，而不是退出码 0 却丢了输出。
    let flushed = io::stdout().flush();
    match (outcome, flushed) {
        (Err(Failure::Usage(line)), _) => {
            say(&line);
            ExitCode::from(2)
        }
        // 标准输出坏了：例子自己的错误（如果有）多半正是因此而来，先说输出。
        (_, Err(e)) => output_failed(Stream::Stdout, &e.to_string()),
        // 读输出的一方已经走了（`… | head`）：子进程或线程多半因此失败，安静地结束。
        (Err(Failure::Run(_)), Ok(())) if stdout_gone() => ExitCode::from(STDOUT_GONE),
        (Err(Failure::Run(line)), Ok(())) => {
            say(&line);
            ExitCode::FAILURE
        }
        (Ok(code), Ok(())) => code,
    }
}

/// 在标准错误上说一行 `错误 (error)：…`。标准错误本身坏了（满了、关了）就算了：
/// 退出码照样说明结局，这里不能再 panic。
fn say(line: &str) {
    let _ = writeln!(io::stderr().lock(), "错误 (error)：{line}");
}

/// 写不出去的是哪一路输出。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// 标准输出或标准错误写不出去（磁盘满了、`/dev/full`、读的一方走了……）时，不 panic，
/// 而是这样结束进程：
///
/// - `println!`、`print!`、`eprintln!` 写失败时 panic，消息是 `failed printing to stdout: …`。
///   例子里用的正是这些宏（学习者照着写的就是它们），所以不改例子，而是在这里换一个 panic
///   钩子 (panic hook)：不论哪个线程、哪个例子，认出这条 panic 就调用 [`output_failed`]；
/// - 例子把 panic 钩子换成了自己的（`thread-panic`），主线程的这条 panic 会一路展开到
///   [`run`]，在那里被 `catch_unwind` 接住，同样处理；
/// - 例子的线程把写失败当作错误返回、没人看它（`daemon`）：没写出去的字节还在缓冲区里，
///   [`main`] 最后的刷新会遇到同一个错误。
///
/// Unix 上读的一方走了（`… | head`）时，按命令行工具的惯例被 SIGPIPE 直接结束，什么也
/// 不说：Rust 程序启动时忽略了这个信号，这里恢复它的默认处理。Windows 没有 SIGPIPE：
/// "管道已关闭"的错误以 [`STDOUT_GONE`] 安静地结束。
fn guard_output() {
    #[cfg(unix)]
    restore_sigpipe();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some((stream, error)) = printing_failed(info.payload()) {
            output_failed(stream, error);
        }
        default(info);
    }));
}

/// 标准库写标准输出或标准错误失败时那条 panic 的内容：哪一路、什么错误。
fn printing_failed(payload: &(dyn std::any::Any + Send)) -> Option<(Stream, &str)> {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    if let Some(error) = text.strip_prefix("failed printing to stdout: ") {
        Some((Stream::Stdout, error))
    } else {
        let error = text.strip_prefix("failed printing to stderr: ")?;
        Some((Stream::Stderr, error))
    }
}

/// 一路输出写不出去了：最多说一行，以退出码 1 结束进程（读的一方走了时安静地以
/// [`STDOUT_GONE`] 结束）。几个线程同时遇到时只有第一个说话，其余的等进程结束。
fn output_failed(stream: Stream, error: &str) -> ! {
    static ENDING: AtomicBool = AtomicBool::new(false);
    if ENDING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    match stream {
        Stream::Stdout if broken_pipe(error) => std::process::exit(i32::from(STDOUT_GONE)),
        Stream::Stdout => say(&format!("写标准输出失败 (cannot write to stdout)：{error}")),
        // 标准错误坏了：这一行也写不出去，只剩退出码。
        Stream::Stderr => {}
    }
    std::process::exit(1)
}

/// `error` 是不是"管道的读端已经关了"：从 `… (os error 32)` 里取出错误号问标准库，
/// 这样 Unix 的 EPIPE 和 Windows 的"管道正在关闭"都认得出来。
fn broken_pipe(error: &str) -> bool {
    error
        .rsplit_once("(os error ")
        .and_then(|(_, code)| code.strip_suffix(')')?.parse::<i32>().ok())
        .is_some_and(|code| io::Error::from_raw_os_error(code).kind() == io::ErrorKind::BrokenPipe)
}

/// 标准输出是不是一个已经没有读者的管道（Unix：看一眼它的状态）。
#[cfg(unix)]
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

/// Windows 没法不写就看出管道的读端关了：例子失败时记下它的错误是不是"管道已关闭"。
#[cfg(not(unix))]
fn stdout_gone() -> bool {
    BROKEN_PIPE.load(std::sync::atomic::Ordering::Relaxed)
}

/// 例子的错误是"管道已关闭"（Windows 上用它代替 [`stdout_gone`] 的那一眼）。
#[cfg(not(unix))]
static BROKEN_PIPE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// 一次失败：输入有误（退出码 2）或运行出错（退出码 1），各是一行。
#[derive(Debug)]
pub enum Failure {
    /// 输入有误。
    Usage(String),
    /// 运行出错。
    Run(String),
}

/// 解析 `argv` 并运行；`--help` 和目录打印后返回成功。
pub fn run(lesson: &Lesson, mut argv: Vec<std::ffi::OsString>) -> Result<ExitCode, Failure> {
    // clap 会把不是 UTF-8 的例子名换成 `�` 再报"没有这个例子"：先说清真正的问题。
    if let Some((i, bad)) = argv
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, a)| a.to_str().is_none())
    {
        return Err(Failure::Usage(format!(
            "参数不是 UTF-8 (invalid UTF-8)：第 {i} 个参数 {bad:?}"
        )));
    }
    name_the_example(lesson, &mut argv)?;
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
    // 错误的那一行说出是哪个例子（`all` 里尤其要紧），再说出是什么不够或什么坏了。
    let fail = |e: Box<dyn Error>| {
        let why = match e.downcast_ref::<io::Error>() {
            Some(io) => {
                #[cfg(not(unix))]
                if io.kind() == io::ErrorKind::BrokenPipe {
                    BROKEN_PIPE.store(true, Ordering::Relaxed);
                }
                explain(io)
            }
            None => e.to_string(),
        };
        Failure::Run(format!("例子 {name}：{}", why.replace('\n', " ")))
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
    // 例子换了自己的 panic 钩子时（`thread-panic`），写不出输出的 panic 不经过
    // [`guard_output`] 的钩子，而是展开到这里：同样处理。别的 panic 照常继续展开。
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match example.run {
        Run::Main(main) => main(),
        Run::Opts(_, run) => run(sub),
    }));
    match ran {
        Ok(outcome) => outcome.map_err(fail)?,
        Err(payload) => match printing_failed(&*payload) {
            Some((stream, error)) => output_failed(stream, error),
            None => std::panic::resume_unwind(payload),
        },
    }
    if draw {
        let spans = match (sampler, lesson.recorder) {
            (Some(s), _) => s.finish(),
            (None, Some(r)) => (r.finish)(),
            (None, None) => Vec::new(),
        };
        print!("\n{}", crate::chart::render(&spans));
        if lesson.recorder.is_some() && !spans.is_empty() && !crate::chart::KERNEL_VIEW {
            print!("{}", crate::chart::POLLS_AS_RUNNING);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// 给例子的系统错误说出是什么不够或什么坏了：操作系统不让开线程、文件描述符用完、磁盘满了。
fn explain(e: &io::Error) -> String {
    // `thread::Builder::spawn` 被操作系统拒绝时就是这个错误（Unix 的 EAGAIN，
    // Windows 的"内存不够"）。
    if refused(e) {
        return format!("操作系统不让再开线程或进程 (the OS refused a new thread or process)：{e}");
    }
    #[cfg(unix)]
    let too_many = matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE));
    #[cfg(not(unix))]
    let too_many = e.raw_os_error() == Some(4); // Windows 的 ERROR_TOO_MANY_OPEN_FILES
    if too_many {
        return format!(
            "打开的文件太多 (too many open files)，文件描述符用完了（见 ulimit -n）：{e}"
        );
    }
    if e.kind() == io::ErrorKind::StorageFull {
        return format!("磁盘满了 (no space left on device)：{e}");
    }
    e.to_string()
}

/// 操作系统拒绝开新线程或新进程时的错误：Unix 的 `pthread_create`/`fork` 返回 EAGAIN
/// （`WouldBlock`），Windows 的 `CreateThread` 保留不到栈的地址空间时是"内存不够"（`OutOfMemory`）。
fn refused(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::OutOfMemory
    )
}

/// 把命令行上的例子名或文档标题换成例子的名字，再交给 clap。
///
/// 标题可以不加引号照着 README 敲：`-- 线程池 · 为什么要池` 是三个参数，这里把连着的几个
/// 词拼起来再找（先试最长的）。一个标题对应好几个例子时拒绝，并说出是哪几个。
fn name_the_example(lesson: &Lesson, argv: &mut Vec<std::ffi::OsString>) -> Result<(), Failure> {
    let word = |a: &std::ffi::OsString| {
        a.to_str()
            .filter(|s| !s.starts_with('-'))
            .map(str::to_owned)
    };
    // 例子名前面只可能有不带值的选项（`--timeline`、`--help`）。
    let Some(at) = argv
        .iter()
        .skip(1)
        .position(|a| word(a).is_some())
        .map(|i| i + 1)
    else {
        return Ok(());
    };
    let words: Vec<String> = argv[at..].iter().map_while(word).collect();
    for n in (1..=words.len()).rev() {
        let typed = words[..n].join(" ");
        match resolve(lesson, &typed) {
            Ok(e) => {
                argv.splice(at..at + n, [std::ffi::OsString::from(e.name)]);
                return Ok(());
            }
            Err(names) if !names.is_empty() => {
                return Err(Failure::Usage(format!(
                    "标题 {typed} 对应好几个例子，请用名字 (ambiguous heading)：{}",
                    names.join(", ")
                )));
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// 按名字或文档标题找例子：找到一个就是它；标题对应几个例子时返回它们的名字。
///
/// 先比名字，再比完整的标题，最后比标题 ` · ` 前面的部分；空白不算（`线程锁·死锁`
/// 和 `线程锁 · 死锁` 一样）。所以 `线程锁` 是 `lock`（它的完整标题），`线程锁 · 死锁` 是
/// `deadlock`；`多线程` 是两个例子的完整标题，`协程程序` 是四个例子标题的前半部分，都被拒绝。
pub fn resolve<'a>(lesson: &'a Lesson, name: &str) -> Result<&'a Example, Vec<&'static str>> {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let typed = squash(name);
    let base = |e: &Example| e.heading.split(" · ").next().unwrap_or(e.heading);
    let pick = |matches: &dyn Fn(&Example) -> bool| -> Vec<&'a Example> {
        lesson.examples.iter().filter(|e| matches(e)).collect()
    };
    for found in [
        pick(&|e| e.name == name),
        pick(&|e| squash(e.heading) == typed),
        pick(&|e| squash(base(e)) == typed),
    ] {
        match found.as_slice() {
            [] => {}
            [one] => return Ok(one),
            many => return Err(many.iter().map(|e| e.name).collect()),
        }
    }
    Err(Vec::new())
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
        let mut sub = Command::new(e.name);
        // 先挂上例子自己的选项，再写说明：例子的 `Opts` 的文档注释是复制走的程序 `--help`
        // 的第一行，在课程里换成这个例子的标题和说明。
        if let Run::Opts(args, _) = e.run {
            sub = args(sub);
        }
        sub = sub
            .about(format!("{} · {}", e.heading, e.what))
            .long_about(None)
            .after_help(ENV_HELP);
        if resolve(lesson, e.heading).is_ok_and(|found| found.name == e.name) {
            sub = sub.visible_alias(e.heading);
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
    // clap 的 `suggestions` 特性给拼错的例子名和选项找最像的那个。
    // 有建议时 "，是不是 …？"，没有时一个分号，后面接着说怎么办。
    let tip = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => format!("，是不是 {s} (did you mean)？"),
        Some(ContextValue::Strings(v)) if !v.is_empty() => {
            format!("，是不是 {} (did you mean)？", v.join(" 或 "))
        }
        _ => "；".to_owned(),
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "没有叫 {} 的例子 (unknown example){}不带参数运行可以看到目录",
            context(ContextKind::InvalidSubcommand),
            tip(ContextKind::SuggestedSubcommand),
        ),
        ErrorKind::UnknownArgument => format!(
            "不认识的选项 (unexpected argument) {}{}用 --help 看可用的选项",
            context(ContextKind::InvalidArg),
            tip(ContextKind::SuggestedArg),
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
    let exe = std::env::current_exe().map_err(|e| {
        Failure::Run(format!(
            "找不到本程序的文件，没法让每个例子在新进程里运行 (current_exe)：{}",
            explain(&e)
        ))
    })?;
    for (i, e) in lesson.examples.iter().filter(|e| e.ends).enumerate() {
        let gap = if i > 0 { "\n" } else { "" };
        println!("{gap}=== {} · {} ===", e.heading, e.name);
        // 每个例子在自己的新进程里运行，就像手动一个一个运行：上一个例子留下的线程
        // （守护线程、卡在屏障上的线程）随它的进程结束，不会混进下一个例子。
        let mut command = std::process::Command::new(&exe);
        command.arg(e.name);
        if timeline && e.timeline && !e.draws_timeline {
            command.arg("--timeline");
        }
        #[cfg(target_os = "linux")]
        kill_when_parent_dies(&mut command);
        let process = |err: io::Error| {
            Failure::Run(format!(
                "例子 {} 的进程 ({}) 出错：{}",
                e.name,
                exe.display(),
                explain(&err)
            ))
        };
        let mut child = command.spawn().map_err(process)?;
        die_with_parent(&child);
        let status = child.wait().map_err(process)?;
        if reader_gone(&status) {
            // 读输出的一方（比如 `| head`）已经走了：安静地结束，和单个例子一样。
            return Ok(ExitCode::from(STDOUT_GONE));
        }
        match status.code() {
            Some(0) => {}
            // 例子的进程用同一个命令行，已经在标准错误上说了那一行（带着例子的名字）：
            // `all` 不再多说，只带回它的退出码。
            Some(code @ (1 | 2)) => return Ok(ExitCode::from(code as u8)),
            _ => return Err(Failure::Run(format!("例子 {} 失败（{status}）", e.name))),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// 例子的进程是不是因为读输出的一方走了而结束的：Unix 上被 SIGPIPE 结束，或者
/// （Windows 上）以 [`STDOUT_GONE`] 退出。
fn reader_gone(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(libc::SIGPIPE) {
            return true;
        }
    }
    status.code() == Some(i32::from(STDOUT_GONE))
}

/// 写入已关闭的管道（如 `… | head`）时安静地结束进程，而不是 panic（Unix）。
///
/// Rust 程序启动时忽略 SIGPIPE，于是 `println!` 写坏掉的管道会 panic；命令行工具的
/// 惯例是被这个信号直接结束。
#[cfg(unix)]
pub fn restore_sigpipe() {
    // SAFETY: 在启动任何线程之前把一个信号恢复成默认处理，不涉及任何 Rust 对象。
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

// `all` 的子进程随 `all` 一起结束，靠各系统内核自己的机制，子进程里不多开任何线程
// （例子要数线程，"操作系统不让开线程"的测试也不能被一个额外的线程搅乱）：
// - Linux：子进程 exec 之前设 `PR_SET_PDEATHSIG`，父进程一死，内核给它 SIGKILL；
// - Windows：子进程放进一个作业对象 (Job object)，设了"句柄关闭时结束作业里的进程"；
//   父进程怎么结束，它的句柄都会被系统关闭，子进程（和孙进程）随之结束；
// - macOS 没有这样的机制。终端里的 Ctrl-C 本来就同时送给 `all` 和正在运行的例子
//   （同一个前台进程组）；只有 `all` 自己被单独杀掉时，那个例子会把自己跑完再退出——
//   `all` 只运行会自己结束的例子。

/// 让子进程在父进程死掉时也被结束（Linux 的 `PR_SET_PDEATHSIG`）。
#[cfg(target_os = "linux")]
fn kill_when_parent_dies(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id();
    // SAFETY: 闭包在 fork 之后、exec 之前的子进程里运行，只调用异步信号安全的 prctl 和
    // getppid；出错时的 `io::Error` 只包一个错误码，不分配内存。
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            // fork 之后、prctl 之前父进程就死了：那时信号永远不会来，自己不再 exec。
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// 子进程已经开始了：Windows 上把它放进随本进程结束的作业对象；别的系统什么也不做
/// （Linux 在启动前就设好了，见 [`kill_when_parent_dies`]）。
fn die_with_parent(child: &std::process::Child) {
    #[cfg(windows)]
    job::assign(child);
    #[cfg(not(windows))]
    let _ = child;
}

/// Windows 的作业对象 (Job object)：本进程结束、句柄被关闭时，系统结束作业里的所有进程。
#[cfg(windows)]
mod job {
    use std::os::windows::io::AsRawHandle;
    use std::sync::OnceLock;
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
        SetInformationJobObject,
    };

    /// 作业对象的句柄（一个数）；建不成时为 0。整个进程只建一个，永远不关：进程结束时系统关它。
    static JOB: OnceLock<usize> = OnceLock::new();

    fn job() -> usize {
        *JOB.get_or_init(|| {
            // SAFETY: 建一个没有名字的作业对象；失败时返回空指针。
            let job = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
            if job.is_null() {
                return 0;
            }
            // SAFETY: 这个结构全零是合法的"没有任何限制"，只打开一个标志。
            let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
            info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            // SAFETY: 作业句柄有效，传入的大小就是 `info` 的大小。
            let ok = unsafe {
                SetInformationJobObject(
                    job,
                    JobObjectExtendedLimitInformation,
                    (&raw const info).cast(),
                    size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
                )
            };
            if ok == 0 { 0 } else { job as usize }
        })
    }

    /// 把子进程放进作业；做不到（比如本进程所在的作业不许嵌套）就算了：例子照常运行。
    pub fn assign(child: &std::process::Child) {
        let job = job();
        if job != 0 {
            // SAFETY: 两个句柄都有效；子进程的句柄由 `child` 拥有，这里只借用。
            unsafe { AssignProcessToJobObject(job as _, child.as_raw_handle()) };
        }
    }
}

/// 目录 (table of contents)：每个例子的命令、文档标题和一句说明。
pub fn table_of_contents(lesson: &Lesson) -> String {
    let mut out = format!(
        "{} — {}\n例子按文档顺序排列 (examples in document order)：\n\n",
        lesson.crate_name, lesson.title
    );
    for e in lesson.examples {
        out += &format!("  {}\n      {} · {}", e.command(lesson), e.heading, e.what);
        if resolve(lesson, e.heading).is_ok_and(|found| found.name == e.name) {
            out += &format!("（别名：{}）", e.heading);
        }
        if !e.ends {
            out += "  [不会自己结束，按 Ctrl-C 停止]";
        }
        if e.timeline && !e.draws_timeline {
            out += "  [可加 --timeline]";
        }
        if e.measured {
            out += "  [测量：请用 --release]";
        }
        out.push('\n');
    }
    out + &format!(
        "  cargo run -p {} -- all\n      依次运行所有会自己结束的例子\n\n{ENV_HELP}\n",
        lesson.crate_name
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

    fn fails_too() -> Outcome {
        Err("也坏了".into())
    }

    /// 选项。
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
        Example::new("left", "标题丁 · 左", "前半相同", fails),
        Example::new("right", "标题丁 · 右", "前半相同", fails_too),
        Example::new("twin-a", "双胞胎", "完整的标题相同", ok),
        Example::new("twin-b", "双胞胎", "完整的标题相同", ok).measured(),
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

    /// 运行出错的那一行；测试里失败的例子各有自己的错误，由此看出运行的是哪一个。
    fn run_error(args: &[&str]) -> String {
        match code(args) {
            Err(Failure::Run(line)) => line,
            other => panic!("{args:?}: want a run error, got {other:?}"),
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
    fn a_full_heading_wins_over_the_first_half_of_others() {
        // `共同标题` 是 two 的完整标题，也是 three 标题的前半部分：完整的标题算数。
        assert_eq!(resolve(&LESSON, "共同标题").map(|e| e.name), Ok("two"));
        assert!(code(&["共同标题"]).is_ok());
        assert_eq!(
            resolve(&LESSON, "共同标题 · 细分").map(|e| e.name),
            Ok("three")
        );
        assert_eq!(resolve(&LESSON, "标题甲").map(|e| e.name), Ok("one"));
        assert_eq!(resolve(&LESSON, "没有").map(|e| e.name), Err(vec![]));
    }

    #[test]
    fn a_heading_of_several_examples_names_them() {
        // 完整的标题相同。
        let line = usage(&["双胞胎"]);
        assert!(line.contains("twin-a, twin-b"), "{line}");
        // 只有前半部分相同。
        let line = usage(&["标题丁"]);
        assert!(line.contains("left, right"), "{line}");
        assert!(usage(&["--timeline", "标题丁"]).contains("left, right"));
    }

    #[test]
    fn a_heading_typed_without_quotes_is_joined_back() {
        // `-- 共同标题 · 细分` 在 shell 里是三个参数。
        assert_eq!(run_error(&["共同标题", "·", "细分"]), "例子 three：坏了");
        assert_eq!(run_error(&["标题丁", "·", "右"]), "例子 right：也坏了");
        assert_eq!(run_error(&["标题丁·左"]), "例子 left：坏了");
        assert!(usage(&["--timeline", "标题丁", "·", "左"]).starts_with("例子 left 没有时间线"));
        // 拼起来之后的参数照常交给 clap。
        assert!(code(&["标题丙", "--max", "3"]).is_ok());
        assert!(usage(&["共同标题", "·", "细分", "多余"]).contains("多余"));
    }

    #[test]
    fn typos_get_a_suggestion_and_bad_input_is_a_usage_error() {
        let line = usage(&["onee"]);
        assert!(
            line.contains("，是不是 forever 或 one (did you mean)？不带"),
            "{line}"
        );
        assert!(usage(&["--nope"]).contains("--nope"));
        assert!(usage(&["one", "--nope"]).contains("--nope"));
        assert!(usage(&["one", "--timline"]).contains("是不是 --timeline (did you mean)？"));
        assert!(usage(&["two", "--timeline"]).contains("one"));
        assert!(usage(&["opts", "--max", "10"]).contains("10"));
        assert!(usage(&["opts", "--max", "x"]).contains('x'));
        assert!(usage(&["all", "x"]).contains('x'));
        // 没有建议时，句子之间也有标点。
        assert_eq!(
            usage(&["zzzzzz"]),
            "没有叫 zzzzzz 的例子 (unknown example)；不带参数运行可以看到目录"
        );
    }

    #[test]
    fn a_non_utf8_argument_is_named_as_such() {
        #[cfg(unix)]
        let bad = {
            use std::os::unix::ffi::OsStringExt;
            std::ffi::OsString::from_vec(vec![0xff])
        };
        #[cfg(windows)]
        let bad = {
            use std::os::windows::ffi::OsStringExt;
            std::ffi::OsString::from_wide(&[0xD800])
        };
        for at in [1, 2] {
            let mut argv: Vec<std::ffi::OsString> = vec!["lesson-test".into(), "one".into()];
            argv.insert(at, bad.clone());
            match run(&LESSON, argv) {
                Err(Failure::Usage(line)) => {
                    assert!(line.starts_with("参数不是 UTF-8"), "{line}");
                    assert!(line.contains(&format!("第 {at} 个参数")), "{line}");
                }
                other => panic!("want a usage error, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_failing_example_is_a_run_error_naming_it() {
        assert_eq!(run_error(&["three"]), "例子 three：坏了");
        assert_eq!(run_error(&["opts", "--max", "9"]), "例子 opts：九");
    }

    #[test]
    fn help_starts_with_the_examples_heading_not_the_opts_doc_comment() {
        let mut cmd = command(&LESSON);
        let sub = cmd.find_subcommand_mut("opts").expect("opts");
        let help = sub.render_long_help().to_string();
        assert!(help.starts_with("标题丙 · 带选项\n"), "{help}");
        assert!(!help.contains("选项。"), "{help}");
    }

    #[test]
    fn table_of_contents_lists_every_example_in_order() {
        let toc = table_of_contents(&LESSON);
        let at = |s: &str| toc.find(s).unwrap_or_else(|| panic!("{s} missing:\n{toc}"));
        assert!(at("-- one\n") < at("-- two\n"));
        assert!(at("-- two\n") < at("-- three\n"));
        assert!(at("-- opts\n") < at("-- all\n"));
        assert!(toc.contains("别名：标题甲"));
        assert!(toc.contains("别名：共同标题）"));
        assert!(toc.contains("别名：共同标题 · 细分"));
        assert!(!toc.contains("别名：双胞胎"));
        assert!(toc.contains("Ctrl-C"));
        assert!(toc.contains("LESSON_TIME_SCALE"));
        // 测量类的例子用 release 构建运行。
        assert!(toc.contains("  cargo run --release -p lesson-test -- twin-b\n"));
        assert!(toc.contains("  cargo run -p lesson-test -- twin-a\n"));
    }

    #[test]
    fn the_print_panic_is_recognised_and_a_closed_pipe_told_apart() {
        let stdout: Box<dyn std::any::Any + Send> =
            Box::new("failed printing to stdout: No space left on device (os error 28)".to_owned());
        assert_eq!(
            printing_failed(&*stdout),
            Some((Stream::Stdout, "No space left on device (os error 28)"))
        );
        let stderr: Box<dyn std::any::Any + Send> =
            Box::new("failed printing to stderr: x".to_owned());
        assert_eq!(printing_failed(&*stderr), Some((Stream::Stderr, "x")));
        let other: Box<dyn std::any::Any + Send> = Box::new("index out of bounds");
        assert_eq!(printing_failed(&*other), None);

        #[cfg(unix)]
        let (pipe, full) = (libc::EPIPE, libc::ENOSPC);
        #[cfg(windows)]
        let (pipe, full) = (232, 112); // ERROR_NO_DATA（管道正在关闭）、ERROR_DISK_FULL
        assert!(broken_pipe(&io::Error::from_raw_os_error(pipe).to_string()));
        assert!(!broken_pipe(
            &io::Error::from_raw_os_error(full).to_string()
        ));
    }
}
