//! 四个课程共用的命令行：每个课程的 `main.rs` 只交出标题和例子表，其余都在这里。
//!
//! ```text
//! cargo run -p lesson-threads                 # 目录：按文档顺序列出每个例子和命令
//! cargo run -p lesson-threads -- lock         # 运行一个例子
//! cargo run -p lesson-threads -- 线程锁       # 文档标题也可以当名字（只对应一个例子时）
//! cargo run -p lesson-threads -- all          # 依次运行所有会自己结束的例子（每个一个新进程）
//! cargo run -p lesson-threads -- downloads --timeline   # 运行后画出时间线
//! ```
//!
//! 退出码 (exit status)：成功 0；例子运行出错 1；用户输入有误（未知的例子或选项、
//! 不合法的环境变量）2，并且只打印一行错误，不打印 panic 回溯。
//! 解析用 clap 的 derive；例子自己的选项（比如 `scale --max 1000`）原样交给例子，
//! 由它用 [`parse_args`] 再解析。

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::{Result, UsageError};

/// 一个课程：对应文档的一节。
#[derive(Debug)]
pub struct Section {
    /// 包名，如 `lesson-threads`，用来拼出命令。
    pub crate_name: &'static str,
    /// 文档的标题，如 `线程`。
    pub title: &'static str,
    /// 所有例子，按文档顺序。
    pub examples: &'static [Example],
}

/// 一个例子：名字、它对应的文档标题、怎么运行。
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// 命令行上的名字，如 `lock`。
    pub name: &'static str,
    /// 它对应的文档标题，如 `线程锁`。
    pub heading: &'static str,
    /// 一句话说明它做什么。
    pub what: &'static str,
    /// 额外的别名。
    pub aliases: &'static [&'static str],
    /// 是否会自己结束；`false` 的例子要按 Ctrl-C，`all` 会跳过它。
    pub ends: bool,
    /// 是否支持 `--timeline`。
    pub timeline: bool,
    /// 是否不用 `--timeline` 也总是自己画出时间线（程序运行概念一课）。
    pub draws_timeline: bool,
    /// 例子自己的选项说明，如 `[--max N]`；`None` 表示不接受选项。
    pub usage: Option<&'static str>,
    run: Runner,
}

#[derive(Debug, Clone, Copy)]
enum Runner {
    Plain(fn() -> Result),
    Args(fn(&[String]) -> Result),
}

impl Example {
    /// 一个不带选项、会自己结束的例子。
    pub const fn new(
        name: &'static str,
        heading: &'static str,
        what: &'static str,
        run: fn() -> Result,
    ) -> Self {
        Example {
            name,
            heading,
            what,
            aliases: &[],
            ends: true,
            timeline: false,
            draws_timeline: false,
            usage: None,
            run: Runner::Plain(run),
        }
    }

    /// 一个带自己选项的例子：`run` 收到名字之后的其余参数，用 [`parse_args`] 解析。
    pub const fn with_args(
        name: &'static str,
        heading: &'static str,
        what: &'static str,
        usage: &'static str,
        run: fn(&[String]) -> Result,
    ) -> Self {
        let mut e = Example::new(name, heading, what, || Ok(()));
        e.usage = Some(usage);
        e.run = Runner::Args(run);
        e
    }

    /// 这个例子不会自己结束（要按 Ctrl-C），`all` 跳过它。
    pub const fn endless(mut self) -> Self {
        self.ends = false;
        self
    }

    /// 这个例子支持 `--timeline`。
    pub const fn timeline(mut self) -> Self {
        self.timeline = true;
        self
    }

    /// 这个例子自己总是画出时间线（看见调度就是重点），`--timeline` 可写可不写。
    pub const fn draws_timeline(mut self) -> Self {
        self.timeline = true;
        self.draws_timeline = true;
        self
    }

    /// 额外的别名。
    pub const fn aliases(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }
}

#[derive(Debug, Parser)]
#[command(disable_version_flag = true)]
struct Cli {
    /// 例子的名字、文档标题或 all；不写则列出目录 (example name, heading, or all)
    example: Option<String>,
    /// 运行后画出时间线 (print a timeline after the output)
    #[arg(long)]
    timeline: bool,
    /// 例子自己的选项 (the example's own options)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    args: Vec<String>,
}

/// 课程的入口：解析命令行、检查环境变量、运行例子，返回退出码。
pub fn main(section: &Section) -> ExitCode {
    default_sigpipe();
    match run_cli(section, std::env::args_os()) {
        Ok(code) => code,
        Err(e) if e.is::<HelpShown>() => ExitCode::SUCCESS,
        Err(e) if e.is::<UsageError>() => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

/// 让写入已关闭的管道（如 `… | head`）时安静地结束进程，而不是 panic。
///
/// Rust 程序启动时忽略 SIGPIPE，于是 `println!` 写坏掉的管道会 panic 并打印回溯；
/// 命令行工具的惯例是被这个信号直接结束。子进程的 `main` 也可以调用它。
pub fn default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: 在启动任何线程之前把一个信号恢复成默认处理，不涉及任何 Rust 对象。
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// 例子自己的 `--help` 已经打印：不是错误，退出码 0。
#[derive(Debug)]
struct HelpShown;

impl std::fmt::Display for HelpShown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("help shown")
    }
}

impl std::error::Error for HelpShown {}

fn run_cli(
    section: &Section,
    argv: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<ExitCode> {
    let argv: Vec<_> = argv.into_iter().collect();
    // `scale --help`：带选项的例子打印它自己的帮助。
    if let [_, name, rest @ ..] = argv.as_slice()
        && rest.iter().any(|a| a == "--help" || a == "-h")
        && let Some(Ok(example)) = name.to_str().map(|n| find(section, n))
        && let Runner::Args(run) = example.run
    {
        let rest: Vec<String> = rest
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        run(&rest)?;
        return Ok(ExitCode::SUCCESS);
    }
    let command = Cli::command()
        .name(section.crate_name)
        .bin_name(format!("cargo run -p {} --", section.crate_name))
        .about(format!("并发编程 in Rust：{}", section.title))
        .after_help(table_of_contents(section));
    let matches = match command.try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if !e.use_stderr() => {
            // --help：正常输出，退出码 0。
            e.print()?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => return Err(clap_error(&e).into()),
    };
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| clap_error(&e))?;
    // `--timeline` 也可以写在例子自己的选项后面。
    cli.args.retain(|a| {
        let is_flag = a == "--timeline";
        cli.timeline |= is_flag;
        !is_flag
    });
    crate::time::check_env()?;

    let Some(name) = cli.example else {
        print!("{}", table_of_contents(section));
        return Ok(ExitCode::SUCCESS);
    };
    if name == "all" {
        if let Some(extra) = cli.args.first() {
            return Err(UsageError(format!("all 不接受参数 {extra:?}")).into());
        }
        // 每个例子在自己的新进程里运行，就像一个一个手动运行：上一个例子留下的线程
        // （守护线程、卡在屏障上的线程）随它的进程结束，不会混进下一个例子。
        let exe = std::env::current_exe()?;
        for (i, example) in section.examples.iter().filter(|e| e.ends).enumerate() {
            if i > 0 {
                println!();
            }
            println!("=== {} · {} ===", example.heading, example.name);
            let mut command = std::process::Command::new(&exe);
            command.arg(example.name);
            if cli.timeline && example.timeline {
                command.arg("--timeline");
            }
            let status = die_with_parent(&mut command).status()?;
            if !status.success() {
                return Err(format!("例子 {} 失败（{status}）", example.name).into());
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let example = find(section, &name)?;
    if cli.timeline && !example.timeline {
        return Err(UsageError(format!(
            "例子 {} 没有时间线 (no --timeline)；有时间线的例子：{}",
            example.name,
            names(section.examples.iter().filter(|e| e.timeline))
        ))
        .into());
    }
    if example.usage.is_none()
        && let Some(extra) = cli.args.first()
    {
        return Err(UsageError(format!(
            "例子 {} 不认识参数 {extra:?} (unexpected argument)；可用的选项：--timeline, --help",
            example.name
        ))
        .into());
    }
    run_one(example, &cli.args, cli.timeline)?;
    Ok(ExitCode::SUCCESS)
}

fn run_one(example: &Example, args: &[String], timeline: bool) -> Result {
    crate::timeline::take();
    match example.run {
        Runner::Plain(run) => run()?,
        Runner::Args(run) => run(args)?,
    }
    let spans = crate::timeline::take();
    if timeline && !spans.is_empty() {
        println!();
        print!("{}", crate::timeline::render(&spans));
    }
    Ok(())
}

/// 让子进程在父进程死掉时也被结束（Linux 的 `PR_SET_PDEATHSIG`），Ctrl-C 或 SIGKILL
/// 父进程都不会留下正在运行的例子。其他系统上什么也不做。
fn die_with_parent(command: &mut std::process::Command) -> &mut std::process::Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: 闭包在 fork 之后、exec 之前的子进程里运行，只调用异步信号安全的 prctl，
        // 不分配内存、不碰锁。
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    command
}

/// 按名字、别名或（只对应一个例子的）文档标题找例子。
fn find<'a>(section: &'a Section, name: &str) -> Result<&'a Example> {
    let by_name = section
        .examples
        .iter()
        .find(|e| e.name == name || e.aliases.contains(&name));
    let mut by_heading = section.examples.iter().filter(|e| e.heading == name);
    match (by_name, by_heading.next(), by_heading.next()) {
        (Some(e), _, _) | (None, Some(e), None) => Ok(e),
        (None, Some(_), Some(_)) => Err(UsageError(format!(
            "标题 {name:?} 对应好几个例子，请用名字：{}",
            names(section.examples.iter().filter(|e| e.heading == name))
        ))
        .into()),
        (None, None, _) => Err(UsageError(format!(
            "没有叫 {name:?} 的例子 (unknown example)；可选：{}",
            names(section.examples.iter())
                .split(", ")
                .filter(|n| !n.is_empty())
                .chain(["all"])
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}

fn names<'a>(examples: impl Iterator<Item = &'a Example>) -> String {
    examples.map(|e| e.name).collect::<Vec<_>>().join(", ")
}

/// clap 的错误有好几行；我们只要第一行，并说明去哪里看用法。
fn clap_error(e: &clap::Error) -> UsageError {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or("参数有误");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    UsageError(format!("{first}；可用的选项：--timeline, --help"))
}

/// 目录 (table of contents)：每个例子的命令、文档标题和一句说明。
pub fn table_of_contents(section: &Section) -> String {
    let command = |name: &str| format!("cargo run -p {} -- {name}", section.crate_name);
    let mut out = format!(
        "{} — {}\n例子按文档顺序排列 (examples in document order)：\n\n",
        section.crate_name, section.title
    );
    for e in section.examples {
        let unique_heading = section
            .examples
            .iter()
            .filter(|o| o.heading == e.heading)
            .count()
            == 1;
        // 第一行是命令，第二行缩进写文档标题和说明，一屏 100 列也放得下。
        let mut line = format!("  {}\n      {} · {}", command(e.name), e.heading, e.what);
        if let Some(usage) = e.usage {
            line += &format!("  选项：{usage}");
        }
        if unique_heading {
            line += &format!("（别名：{}）", e.heading);
        }
        if !e.ends {
            line += "  [不会自己结束，按 Ctrl-C 停止]";
        }
        out += &line;
        out.push('\n');
    }
    out += &format!("  {}\n      依次运行所有会自己结束的例子\n", command("all"));
    let with_flag = names(
        section
            .examples
            .iter()
            .filter(|e| e.timeline && !e.draws_timeline),
    );
    if !with_flag.is_empty() {
        out += &format!("\n加 --timeline 在输出后画出时间线：{with_flag}\n");
    }
    let always = names(section.examples.iter().filter(|e| e.draws_timeline));
    if !always.is_empty() {
        out += &format!("\n这些例子总是画出时间线：{always}\n");
    }
    out
}

/// 例子解析自己的选项：`T` 是一个 clap `Parser`。出错时返回一行 [`UsageError`]。
pub fn parse_args<T: Parser>(example: &str, args: &[String]) -> Result<T> {
    let argv = std::iter::once(example.to_owned()).chain(args.iter().cloned());
    T::try_parse_from(argv).map_err(|e| {
        if !e.use_stderr() {
            let _ = e.print();
            return HelpShown.into();
        }
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or("参数有误").to_owned();
        let first = first.strip_prefix("error: ").unwrap_or(&first).to_owned();
        UsageError(format!("例子 {example}：{first}")).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Result {
        Ok(())
    }

    fn fails() -> Result {
        Err("坏了".into())
    }

    fn takes(args: &[String]) -> Result {
        #[derive(Debug, Parser)]
        struct A {
            #[arg(long)]
            max: Option<u32>,
        }
        parse_args::<A>("scale", args).map(|_| ())
    }

    static EXAMPLES: &[Example] = &[
        Example::new("one", "标题甲", "第一个", ok).timeline(),
        Example::new("two", "共同标题", "第二个", ok),
        Example::new("three", "共同标题", "第三个", fails),
        Example::new("forever", "标题乙", "不会结束", ok).endless(),
        Example::new("drawn", "标题丁", "总是画图", ok).draws_timeline(),
        Example::with_args("scale", "标题丙", "带选项", "[--max N]", takes),
    ];
    static SECTION: Section = Section {
        crate_name: "lesson-test",
        title: "测试",
        examples: EXAMPLES,
    };

    fn code(args: &[&str]) -> std::result::Result<ExitCode, String> {
        let argv = std::iter::once("lesson-test")
            .chain(args.iter().copied())
            .map(Into::into);
        run_cli(&SECTION, argv).map_err(|e| {
            let kind = if e.is::<UsageError>() { "usage" } else { "run" };
            format!("{kind}: {e}")
        })
    }

    fn usage_error(args: &[&str]) -> String {
        let err = code(args).expect_err("should fail");
        assert!(err.starts_with("usage: "), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        err
    }

    #[test]
    fn names_headings_and_aliases_find_examples() {
        assert!(code(&["one"]).is_ok());
        assert!(code(&["标题甲"]).is_ok());
        assert!(code(&["one", "--timeline"]).is_ok());
        assert!(code(&["--timeline", "one"]).is_ok());
        assert!(code(&["scale", "--max", "3"]).is_ok());
        assert!(code(&["scale", "--help"]).is_err_and(|e| e == "run: help shown"));
    }

    #[test]
    fn a_shared_heading_is_not_an_alias() {
        assert!(usage_error(&["共同标题"]).contains("two, three"));
    }

    #[test]
    fn unknown_example_names_the_choices() {
        let err = usage_error(&["nope"]);
        assert!(
            err.contains("one, two, three, forever, drawn, scale, all"),
            "{err}"
        );
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        assert!(usage_error(&["--nope"]).contains("--nope"));
        assert!(usage_error(&["one", "--nope"]).contains("--nope"));
        assert!(usage_error(&["two", "--timeline"]).contains("one"));
        assert!(usage_error(&["scale", "--max", "x"]).contains("scale"));
        assert!(usage_error(&["all", "x"]).contains("x"));
    }

    #[test]
    fn a_failing_example_is_a_run_error() {
        assert!(
            code(&["three"])
                .expect_err("fails")
                .starts_with("run: 坏了")
        );
        // `all` 在子进程里运行每个例子，由各课程的集成测试检查。
    }

    #[test]
    fn table_of_contents_lists_every_example_in_order() {
        let toc = table_of_contents(&SECTION);
        let at = |s: &str| toc.find(s).unwrap_or_else(|| panic!("{s} missing:\n{toc}"));
        assert!(at("cargo run -p lesson-test -- one") < at("cargo run -p lesson-test -- two"));
        assert!(at("-- two") < at("-- three"));
        assert!(at("-- scale") < at("-- all"));
        assert!(toc.contains("别名：标题甲"));
        assert!(!toc.contains("别名：共同标题"));
        assert!(toc.contains("Ctrl-C"));
        assert!(toc.contains("选项：[--max N]"));
        assert!(
            toc.contains("加 --timeline 在输出后画出时间线：one\n"),
            "{toc}"
        );
        assert!(toc.contains("总是画出时间线：drawn\n"), "{toc}");
    }
}
