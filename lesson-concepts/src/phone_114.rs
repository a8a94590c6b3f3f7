//! 文档「同步异步与阻塞性」：打电话给 114 查路线的四种情况。
//!
//! "你"和"114客服"各是一个线程。客服查路线只是睡一会儿（查询不占你的 CPU）。
//! 同步 (synchronous)：你不挂电话，答复从这通电话里来——`JoinHandle` 就是这条线，
//! `join` 拿到客服线程的返回值。异步 (asynchronous)：你留下一个回调 (callback) 就挂了，
//! 客服查好后在他的线程上调用它。阻塞：你什么也不做，睡着等（`join`、`recv`）；
//! 非阻塞：你打一局游戏（真正的计算），同步时每走一步看一眼电话（`is_finished`），
//! 异步时不用看，回电会找到你。时间线上一看便知：谁在等 `·`，谁在玩（CPU 号）。
//! 和 Python 不同：回调要交给别的线程调用，编译器要求它是 `Send`。这里它还得是 `'static`，
//! 是因为客服线程是 `spawn` 开出来的、可能比你活得久：借用你栈上变量的闭包交给它过不了
//! 编译（error[E0373]，见 lesson-threads 的 `args`）；`thread::scope` 开的线程则可以借用。
//! 时间线读 Linux 内核的 `/proc`，别的系统上只说一行画不出来。
//!
//! 试一试 (try this)：把 `LOOKUP` 改成 2.0，比一局游戏还长，看非阻塞的两种情况怎么收尾。

use std::error::Error;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use shared::chart::{Sampler, render};
use shared::time::{at_least, secs};
use shared::work::{mouthful, steps_for};

/// 客服查路线要多久（文档里的秒）。
const LOOKUP: f64 = 0.6;
/// 一局游戏走几步，每步是文档里 0.1 秒的计算：比客服查询长，非阻塞时整个查询期间你都在玩。
const GAME: usize = 10;
/// 客服的答复。
const ROUTE: &str = "路线查好了：坐 2 号线，换乘 4 号线.";

/// 你的一种做法：参数是一步棋的计算量，返回等答复时走了几步。
type You = fn(u64) -> io::Result<usize>;

/// 四种情况：名字、一句话、你的做法。
const CASES: [(&str, &str, You); 4] = [
    (
        "同步阻塞",
        "不挂电话，客服查的时候你就拿着电话干等。",
        sync_blocking,
    ),
    (
        "同步非阻塞",
        "不挂电话，拿着电话的同时打一局游戏。",
        sync_nonblocking,
    ),
    (
        "异步阻塞",
        "客服说查好了打回来；挂了电话你却什么也不做，干等回电。",
        async_blocking,
    ),
    (
        "异步非阻塞",
        "客服说查好了打回来；挂了电话你就去打一局游戏。",
        async_nonblocking,
    ),
];

/// 时间比例的下限：一步棋至少 20 毫秒，时间线上一格至少 1 毫秒多（约一次采样）。再小，
/// 线程醒来收尾的零点几毫秒也占得到半格，干等的那一行时有时无地多出一格运行。
const MIN_SCALE: f64 = 0.2;

pub fn main() -> Result<(), Box<dyn Error>> {
    at_least(MIN_SCALE);
    let bite = steps_for(0.1);
    for (i, (name, story, you)) in CASES.into_iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("{}. {name}：打 114 查路线，{story}", i + 1);
        let sampler = Sampler::start()?;
        let start = Instant::now();
        // `thread::spawn(f)` 是同一个调用，只是操作系统不给开线程时会 panic。
        let me = thread::Builder::new()
            .name("你".into())
            .spawn(move || you(bite))?;
        let moves = me.join().expect("你的线程不会 panic")?;
        println!("等答复的时候，你走了 {moves} 步棋.");
        println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
        print!("{}", render(&sampler.finish()));
    }
    Ok(())
}

/// 拿着电话干等：`join` 让你睡着，直到客服线程返回答复。
fn sync_blocking(_bite: u64) -> io::Result<usize> {
    let call = call_114(|_| {})?;
    let route = call.join().expect("客服线程不会 panic");
    println!("客服（电话里）：{route}");
    Ok(0)
}

/// 拿着电话打游戏：每走一步看一眼电话（`is_finished` 不等待，马上返回）。
fn sync_nonblocking(bite: u64) -> io::Result<usize> {
    let call = call_114(|_| {})?;
    let mut waiting_moves = 0;
    for _ in 0..GAME {
        if !call.is_finished() {
            waiting_moves += 1;
        }
        mouthful(bite); // 走一步棋
    }
    let route = call.join().expect("客服线程不会 panic");
    println!("客服（电话里）：{route}");
    Ok(waiting_moves)
}

/// 挂了电话，却睡着等回电：回调把答复放进通道，你在 `recv` 上等。
fn async_blocking(_bite: u64) -> io::Result<usize> {
    let (tx, rx) = mpsc::channel();
    let call = call_114(move |route| _ = tx.send(route))?;
    let route = rx.recv().map_err(|_| io::Error::other("客服没有回电"))?;
    println!("客服回电：{route}");
    call.join().expect("客服线程不会 panic");
    Ok(0)
}

/// 挂了电话就去打游戏：回调在客服的线程上运行，打印答复，你不用去看。
fn async_nonblocking(bite: u64) -> io::Result<usize> {
    let answered = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&answered);
    let call = call_114(move |route| {
        println!("客服回电（回调在客服的线程上运行）：{route}");
        flag.store(true, Ordering::Release);
    })?;
    let mut waiting_moves = 0;
    for _ in 0..GAME {
        if !answered.load(Ordering::Acquire) {
            waiting_moves += 1;
        }
        mouthful(bite);
    }
    call.join().expect("客服线程不会 panic"); // 挂断前确认客服那边也结束了
    Ok(waiting_moves)
}

/// 打给 114：客服在自己的线程上查路线，查好后调用回调 `call_back`，并把答复作为返回值。
fn call_114(
    call_back: impl FnOnce(&'static str) + Send + 'static,
) -> io::Result<JoinHandle<&'static str>> {
    thread::Builder::new()
        .name("114客服".into())
        .spawn(move || {
            thread::sleep(secs(LOOKUP)); // 查询：睡着，不占 CPU
            call_back(ROUTE);
            ROUTE
        })
}
