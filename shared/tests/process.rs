//! `shared::process` 在真实工作下的保证（issue 15）：每个测试启动真的子进程——这个测试
//! 二进制再启动一次（`test_support!`）。Linux、macOS、Windows（Wine 下）都跑，只有量文件
//! 描述符的那个只在 Unix 上。

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use shared::process::{self, Process, ProcessPool, Queue};

shared::process::test_support!();

fn init() {
    process::init().expect("init");
}

fn nap(ms: u64) -> u32 {
    thread::sleep(Duration::from_millis(ms));
    std::process::id()
}

/// 从一个已经结束的线程启动的子进程照常运行到底（`PR_SET_PDEATHSIG` 会在线程结束时杀掉它）。
#[test]
fn a_child_spawned_by_a_thread_that_has_ended_lives_on() {
    init();
    let p = thread::spawn(|| Process::spawn(nap, (300,)).expect("spawn"))
        .join()
        .expect("thread");
    let pool = thread::spawn(|| ProcessPool::new(1).expect("pool"))
        .join()
        .expect("thread");
    thread::sleep(Duration::from_millis(100));
    let child = p
        .join()
        .expect("the child was not killed when its thread ended");
    assert_ne!(child, std::process::id());
    let worker = pool.submit(nap, (10,)).expect("submit").result();
    assert!(worker.is_ok(), "{worker:?}");
}

/// 子进程里再启动子进程：一层一层，每层是不同的进程。
fn depth(n: u32) -> Result<Vec<u32>, process::Error> {
    let mut pids = if n == 0 {
        Vec::new()
    } else {
        Process::spawn(depth, (n - 1,))?.join()??
    };
    pids.push(std::process::id());
    Ok(pids)
}

#[test]
fn nested_spawn_three_deep() {
    init();
    let mut pids = Process::spawn(depth, (2,))
        .expect("spawn")
        .join()
        .expect("join")
        .expect("nested");
    pids.push(std::process::id());
    let distinct: std::collections::BTreeSet<_> = pids.iter().collect();
    assert_eq!(distinct.len(), 4, "parent + three levels: {pids:?}");
}

fn crash() {
    std::process::abort();
}

fn panics(n: u32) -> u32 {
    let v: Vec<u32> = Vec::new();
    v[n as usize]
}

/// 工作进程崩溃：那件事失败、说明原因；池补上一个新的，仍有 2 个不同的、活着的工作进程。
/// 函数 panic：错误里有消息和文件:行号，工作进程不受影响。
#[test]
fn the_pool_heals_after_a_crash_and_reports_panics() {
    init();
    let pool = ProcessPool::new(2).expect("pool");
    let before = pool.pids();
    assert_eq!(before.len(), 2);
    let e = pool
        .submit(crash, ())
        .expect("submit")
        .result()
        .expect_err("crash");
    let text = e.to_string();
    assert!(text.contains("崩溃"), "{text}");
    if cfg!(unix) {
        assert!(text.contains("SIGABRT"), "{text}");
    }
    let after = pool.pids();
    assert_eq!(after.len(), 2, "{before:?} -> {after:?}");
    assert_ne!(after, before, "a new worker took the crashed one's place");
    // 两件各占一个工作进程 300 毫秒的事同时做：两个不同的进程，就是池里的那两个。
    let handles: Vec<_> = (0..2)
        .map(|_| pool.submit(nap, (300,)).expect("submit"))
        .collect();
    let mut ran: Vec<u32> = handles
        .into_iter()
        .map(|h| h.result().expect("nap"))
        .collect();
    ran.sort();
    let mut now = pool.pids();
    now.sort();
    assert_eq!(ran, now, "both workers alive and working");

    let e = pool
        .submit(panics, (3,))
        .expect("submit")
        .result()
        .expect_err("panic");
    let text = e.to_string();
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(text.contains("process.rs:"), "file:line in {text}");
    let mut still = pool.pids();
    still.sort();
    assert_eq!(still, now, "a panic does not cost a worker");
}

fn echo_len(data: Vec<u8>, back: usize) -> (usize, Vec<u8>) {
    (data.len(), vec![7; back])
}

const BIG: usize = 16 << 20;

/// 16 MB 的参数和结果，两个方向；池被丢弃之后才取结果（`pool.rs` 的写法）。
#[test]
fn sixteen_megabytes_each_way_in_any_order() {
    init();
    let start = Instant::now();
    let handles = {
        let pool = ProcessPool::new(2).expect("pool");
        let handles: Vec<_> = (0..2)
            .map(|_| {
                pool.submit(echo_len, (vec![1u8; BIG], BIG))
                    .expect("submit")
            })
            .collect();
        handles
    };
    for h in handles {
        let (len, back) = h.result().expect("result");
        assert_eq!((len, back.len()), (BIG, BIG));
    }
    let pooled = start.elapsed();
    let start = Instant::now();
    let p = Process::spawn(echo_len, (vec![1u8; BIG], BIG)).expect("spawn");
    thread::sleep(Duration::from_millis(50));
    let (len, back) = p.join().expect("join");
    assert_eq!((len, back.len()), (BIG, BIG));
    println!(
        "16 MB 来回：进程池两件 {:.3} 秒，单个 Process {:.3} 秒",
        pooled.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

fn add(a: u64, b: u64) -> u64 {
    a + b
}

/// 十万件事一次提交，文件描述符只有 256 个：排队的任务不占描述符。
/// 在一个新的测试进程里做（限额对整个进程有效，别影响同时跑的其他测试）。
#[cfg(unix)]
#[test]
fn a_hundred_thousand_jobs_under_256_descriptors() {
    const ROLE: &str = "SHARED_PROCESS_TEST_NOFILE";
    if std::env::var_os(ROLE).is_some() {
        let limit = libc::rlimit {
            rlim_cur: 256,
            rlim_max: 256,
        };
        // SAFETY: 设置本进程的一个资源限额；`limit` 是有效的局部变量。
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
        init();
        let pool = ProcessPool::new(4).expect("pool");
        let n = 100_000u64;
        let handles: Vec<_> = (0..n)
            .map(|i| pool.submit(add, (i, 1)).expect("submit"))
            .collect();
        let sum: u64 = handles
            .into_iter()
            .map(|h| h.result().expect("result"))
            .sum();
        assert_eq!(sum, n * (n + 1) / 2);
        return;
    }
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args(["--exact", "a_hundred_thousand_jobs_under_256_descriptors"])
        .env(ROLE, "1")
        .output()
        .expect("run");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
    println!("十万件事：{:.1} 秒", start.elapsed().as_secs_f64());
}

fn ping_pong(q: Queue<u32>, _me: u32) -> Result<u32, process::Error> {
    let mut seen = 0;
    loop {
        let n = q.get()?;
        if n >= 20 {
            q.put(n)?; // 让另一个也结束
            return Ok(seen);
        }
        seen += 1;
        q.put(n + 1)?;
    }
}

/// 两个进程共用一个队列：一共 20 次，两个都参与。
#[test]
fn a_queue_shared_by_two_processes() {
    init();
    let q = Queue::new().expect("queue");
    q.put(0).expect("put");
    let a = Process::spawn(ping_pong, (q.clone(), 0)).expect("spawn");
    let b = Process::spawn(ping_pong, (q.clone(), 1)).expect("spawn");
    let total = a.join().expect("a").expect("a") + b.join().expect("b").expect("b");
    assert_eq!(total, 20);
}

fn forever() {
    println!("child-ready {}", std::process::id());
    loop {
        thread::park();
    }
}

/// 父进程被杀（Unix 上 SIGKILL，Windows 上 TerminateProcess）：子进程随之结束。
/// 怎么知道：子进程继承了父进程的标准输出（一根通到这个测试的管道），两个都不在了，
/// 这个测试才读到 EOF。
#[test]
fn no_child_outlives_its_killed_parent() {
    const ROLE: &str = "SHARED_PROCESS_TEST_PARENT";
    if std::env::var_os(ROLE).is_some() {
        init();
        let _child = Process::spawn(forever, ()).expect("spawn");
        loop {
            thread::park();
        }
    }
    let mut parent = Command::new(std::env::current_exe().expect("exe"))
        .args([
            "--exact",
            "no_child_outlives_its_killed_parent",
            "--nocapture",
        ])
        .env(ROLE, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run");
    let mut out = BufReader::new(parent.stdout.take().expect("stdout"));
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !line.starts_with("child-ready") {
        line.clear();
        assert!(
            out.read_line(&mut line).expect("read") > 0,
            "parent ended early"
        );
        assert!(Instant::now() < deadline, "no child-ready line");
    }
    parent.kill().expect("kill");
    parent.wait().expect("wait");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = out.read_to_end(&mut rest);
        let _ = tx.send(());
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(10)).is_ok(),
        "the child still holds the pipe 10 s after its parent was killed: it outlived it"
    );
}
