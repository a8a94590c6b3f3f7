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

/// 读输出的一方走了（`… | head`）时的退出码：和 shell 里被 SIGPIPE 结束的进程一样是 128 + 13。
/// Windows 没有这个信号，课程的程序在那里也用这个退出码安静地结束。
pub const STDOUT_GONE: u8 = 141;

/// 课程的入口：解析命令行、检查环境变量、运行例子，返回退出码。
pub fn main(lesson: &Lesson) -> ExitCode {
    end_quietly_when_stdout_is_gone();
    match run(lesson, std::env::args_os().collect()) {
        Ok(code) => code,
        Err(Failure::Usage(line)) => {
            eprintln!("错误 (error)：{line}");
            ExitCode::from(2)
        }
        // 读输出的一方已经走了（`… | head`）：子进程或线程多半因此失败，安静地结束。
        Err(Failure::Run(_)) if stdout_gone() => ExitCode::from(STDOUT_GONE),
        Err(Failure::Run(line)) => {
            eprintln!("错误 (error)：{line}");
            ExitCode::FAILURE
        }
    }
}

/// 写入已关闭的管道（如 `… | head`）时安静地结束进程，而不是 panic。
///
/// Rust 程序启动时忽略 SIGPIPE，于是 `println!` 写坏掉的管道会 panic（`failed printing to
/// stdout`）；命令行工具的惯例是被这个信号直接结束，Unix 上恢复它的默认处理就行。Windows
/// 没有 SIGPIPE：那里换一个 panic 钩子 (panic hook)，认出这个 panic 就以 [`STDOUT_GONE`] 退出。
fn end_quietly_when_stdout_is_gone() {
    #[cfg(unix)]
    restore_sigpipe();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied());
        if text.is_some_and(|t| t.starts_with("failed printing to stdout")) {
            std::process::exit(i32::from(STDOUT_GONE));
        }
        default(info);
    }));
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
        // `thread::Builder::spawn` 被操作系统拒绝时就是这个错误（Unix 的 EAGAIN，
        // Windows 的"内存不够"）：说清楚是什么不够。
        Some(io) if refused(io) => Failure::Run(format!(
            "操作系统不让再开线程或进程 (the OS refused a new thread or process)：{io}"
        )),
        Some(io) => {
            #[cfg(not(unix))]
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                BROKEN_PIPE.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Failure::Run(io.to_string().replace('\n', " "))
        }
        None => Failure::Run(e.to_string().replace('\n', " ")),
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
        if lesson.recorder.is_some() && !spans.is_empty() && !crate::chart::KERNEL_VIEW {
            print!("{}", crate::chart::POLLS_AS_RUNNING);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// 操作系统拒绝开新线程或新进程时的错误：Unix 的 `pthread_create`/`fork` 返回 EAGAIN
/// （`WouldBlock`），Windows 的 `CreateThread` 保留不到栈的地址空间时是"内存不够"（`OutOfMemory`）。
fn refused(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::OutOfMemory
    )
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
        let mut command = std::process::Command::new(&exe);
        command.arg(e.name);
        if timeline && e.timeline && !e.draws_timeline {
            command.arg("--timeline");
        }
        #[cfg(target_os = "linux")]
        kill_when_parent_dies(&mut command);
        let mut child = command.spawn().map_err(io)?;
        die_with_parent(&child);
        let status = child.wait().map_err(io)?;
        if reader_gone(&status) {
            // 读输出的一方（比如 `| head`）已经走了：安静地结束，和单个例子一样。
            return Ok(ExitCode::from(STDOUT_GONE));
        }
        if !status.success() {
            return Err(Failure::Run(format!("例子 {} 失败（{status}）", e.name)));
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
    // SAFETY: 闭包在 fork 之后、exec 之前的子进程里运行，只调用异步信号安全的 prctl。
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
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
