//! 文档「线程属性」的缺点：「一个线程死掉……导致整个进程就死掉」。在 Rust 里不是这样。
//!
//! 一个线程 panic（遇到 bug，比如下标越界、`expect` 失败）只结束它自己：它的栈被展开
//! (unwind)，它拿着的东西被释放，`join` 返回 `Err`，里面装着 panic 的内容 (payload)。
//! 主线程和其他线程照常运行，由主线程决定怎么办。只有在 Cargo.toml 里设了
//! `panic = "abort"`，或者主线程自己 panic 了，整个进程才会结束。
//! 注意：panic 时它拿着的 `Mutex` 会"中毒" (poisoned)，别的线程 `lock()` 会得到 `Err`。

use std::any::Any;
use std::panic;
use std::thread;

/// panic 的内容：`panic!("文字")` 是 `&str`，`panic!("{x}")` 是 `String`。
fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "（不是文字）"
    }
}

/// 一个好好干活的线程和一个 panic 的线程，主线程分别 join。
pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    // panic 时默认打印 `thread '…' panicked at …` 和回溯提示，看起来像程序崩溃了。
    // 换一个钩子 (panic hook)，只打印一行说明；它在 panic 的那个线程里运行。
    panic::set_hook(Box::new(|info| {
        let name = thread::current().name().unwrap_or("?").to_owned();
        println!(
            "（panic hook）线程 {name} panic 了：{}",
            message(info.payload())
        );
    }));

    println!("主线程：启动两个子线程，bad 会 panic");
    let good = thread::Builder::new()
        .name("good".into())
        .spawn(|| (1..=100).sum::<u32>())?;
    let bad = thread::Builder::new()
        .name("bad".into())
        .spawn(|| -> u32 { panic!("模拟一个 bug") })?;

    match bad.join() {
        Ok(n) => println!("主线程：bad.join() 返回 Ok({n})"),
        Err(payload) => println!(
            "主线程：bad.join() 返回 Err，内容是 {:?}",
            message(&*payload)
        ),
    }
    match good.join() {
        Ok(n) => println!("主线程：good.join() 返回 Ok({n})"),
        Err(payload) => println!(
            "主线程：good.join() 返回 Err，内容是 {:?}",
            message(&*payload)
        ),
    }
    let _ = panic::take_hook(); // 换回默认的钩子
    println!("主线程还在运行：一个线程死掉，进程没有跟着死掉.");
    Ok(())
}
// 试一试 (try this)：去掉 `set_hook` 那几行，看看默认的 panic 信息；主线程仍然活着。
