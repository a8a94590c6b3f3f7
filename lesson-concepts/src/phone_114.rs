//! 文档「同步异步与阻塞性」：打电话给 114 查路线的四种情况。
//!
//! 客服在另一个线程里查路线（睡一会儿：查询不占你的 CPU），"你"是主线程。
//! 同步 (synchronous)：你拿着电话，答复从电话线（一个通道 (channel)）上来，由你自己去接。
//! 异步 (asynchronous)：你留下一个回调 (callback)，客服查好后在他的线程上调用它。
//! 阻塞：你什么也不做，干等（`recv`、`park`）；非阻塞：你打一局游戏（真实的计算），
//! 同步时每走一步看一眼电话（`try_recv`），异步时根本不用看，回电会找到你。
//! 试一试 (try this)：把 `LOOKUP_SECS` 改得比一局游戏还长，看非阻塞的两种情况怎么收尾。
//!
//! 回调要交给客服的线程去调用，所以它必须是 `Send + 'static`：借用你栈上变量的闭包，
//! 编译器不让它跑到别的线程去（error[E0373]: closure may outlive the current function）：
//!
//! ```compile_fail,E0373
//! let mut notes = Vec::new();
//! let operator = std::thread::spawn(|| notes.push("路线查好了"));
//! operator.join().unwrap();
//! ```

use std::sync::mpsc::{self, TryRecvError};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};

use shared::stopwatch::{Stopwatch, total_line};
use shared::time::sleep_secs;
use shared::timeline::{Kind, Span, now, record, take};

use crate::cpu;
use crate::report;

/// 客服查路线要多久（文档里的秒）。
const LOOKUP_SECS: f64 = 0.6;
/// 一局游戏走几步，每步是一口计算。
const GAME_MOVES: usize = 8;

/// 四种情况：名字和一句话（同步/异步 = 拿着电话等 / 挂了等回电；阻塞/非阻塞 = 干等 / 打游戏）。
const CASES: [(&str, &str); 4] = [
    ("同步阻塞", "拿着电话等客服查，什么也不做。"),
    ("同步非阻塞", "拿着电话等，同时打一局游戏。"),
    ("异步阻塞", "挂了电话等回电，可还是干等着。"),
    ("异步非阻塞", "挂了电话等回电，这期间打一局游戏。"),
];

/// 依次演示四种情况，每种一张时间线。
pub fn run(args: &[String]) -> shared::Result {
    let opts = report::options("phone-114", args)?;
    cpu::calibrate();
    let runs: [fn() -> shared::Result; 4] = [
        sync_blocking,
        sync_nonblocking,
        async_blocking,
        async_nonblocking,
    ];
    for (i, ((name, story), case)) in CASES.into_iter().zip(runs).enumerate() {
        if i > 0 {
            println!();
        }
        println!("{}. {name}：打 114 查路线，{story}", i + 1);
        let clock = Stopwatch::start();
        case()?;
        let wall = clock.elapsed();
        let spans = take();
        let lookup = spans.iter().filter(|s| s.task == "客服查路线");
        let game = report::running(&spans, "你打游戏");
        let played = report::overlap(lookup, game).as_secs_f64();
        println!("客服查询的时候，你打了 {played:.3}秒 游戏.");
        println!("{}", total_line(wall, 3));
        opts.show(name, &spans);
    }
    Ok(())
}

/// 一直拿着电话，干等；挂了电话才打游戏。
fn sync_blocking() -> shared::Result {
    let (line_tx, line) = mpsc::channel();
    let operator = call_114(move |route| _ = line_tx.send(route));
    let waiting = now();
    let route = line.recv()?; // 阻塞：在电话上等答复
    record(Span::new("你拿着电话", Kind::Waiting, waiting, now()));
    println!("客服：{route}");
    play(GAME_MOVES);
    operator.join().expect("客服线程不会 panic");
    Ok(())
}

/// 拿着电话，同时打游戏：每走一步看一眼电话。
fn sync_nonblocking() -> shared::Result {
    let (line_tx, line) = mpsc::channel();
    let operator = call_114(move |route| _ = line_tx.send(route));
    let waiting = now();
    let mut moves = GAME_MOVES;
    let route = loop {
        match line.try_recv() {
            Ok(route) => break route,
            Err(TryRecvError::Empty) if moves > 0 => {
                play(1); // 答复还没来：走一步游戏
                moves -= 1;
            }
            Err(TryRecvError::Empty) => break line.recv()?, // 游戏打完了，只好干等
            Err(TryRecvError::Disconnected) => return Err("客服挂断了电话".into()),
        }
    };
    record(Span::new("你拿着电话", Kind::Waiting, waiting, now()));
    println!("客服：{route}");
    play(moves);
    operator.join().expect("客服线程不会 panic");
    Ok(())
}

/// 挂了电话等回电，其间什么也不做；回电到了才打游戏。
fn async_blocking() -> shared::Result {
    let (me, answer) = (thread::current(), Arc::new(OnceLock::new()));
    let operator = call_114({
        let answer = Arc::clone(&answer);
        move |route| {
            let _ = answer.set(route);
            me.unpark(); // 回电：叫醒等着的你
        }
    });
    let waiting = now();
    while answer.get().is_none() {
        thread::park(); // 阻塞：睡着等回电（醒来要再看一眼，可能是误醒）
    }
    record(Span::new("你等回电", Kind::Waiting, waiting, now()));
    println!("客服回电：{}", answer.get().expect("上面等到了答复"));
    play(GAME_MOVES);
    operator.join().expect("客服线程不会 panic");
    Ok(())
}

/// 挂了电话就去打游戏；回调在客服的线程上运行，不用你去看。
fn async_nonblocking() -> shared::Result {
    let operator = call_114(|route| println!("（回调在客服的线程上运行）客服回电：{route}"));
    play(GAME_MOVES);
    operator.join().expect("客服线程不会 panic");
    Ok(())
}

/// 打给 114：客服在自己的线程上查路线，查好后调用 `reply`。
fn call_114(reply: impl FnOnce(&'static str) + Send + 'static) -> JoinHandle<()> {
    thread::spawn(move || {
        let start = now();
        sleep_secs(LOOKUP_SECS);
        record(Span::new("客服查路线", Kind::Sleeping, start, now()));
        let at = now();
        reply("路线查好了，坐 2 号线.");
        record(Span::new("回复", Kind::Running, at, now()));
    })
}

/// 走 `moves` 步游戏，每步一口真实的计算。
fn play(moves: usize) {
    for _ in 0..moves {
        cpu::mouthful("你打游戏");
    }
}
