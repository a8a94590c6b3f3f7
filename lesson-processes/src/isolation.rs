//! 文档「进程属性」和「提示」：一个进程卡住或崩溃，不影响别的进程。
//!
//! p1 一直阻塞：主进程等它一会儿就结束 (kill) 它，后面的进程才得以运行。
//! p2 真的崩溃（`abort`，SIGABRT）：它有自己的地址空间，崩掉的只是它自己；
//! 主进程从退出状态看到它怎么死的，然后照常启动 p3，最后正常退出（退出码 0）。

use crate::child::{Boot, Child, describe};

/// p1：连上父进程后永远阻塞。
pub fn stuck(boot: Boot) -> shared::Result {
    let _parent = boot.connect::<(), ()>()?;
    loop {
        std::thread::park();
    }
}

/// p2：一启动就崩溃，连父进程都没连上（父进程不会因此一直等它，见 [`crate::child`]）。
pub fn crash(_boot: Boot) -> shared::Result {
    crate::child::crash()
}

/// p3：正常干活。
pub fn coding(boot: Boot) -> shared::Result {
    let _parent = boot.connect::<(), ()>()?;
    println!("开始写代码，PID是{}", std::process::id());
    println!("休息一会儿，PID是{}", std::process::id());
    Ok(())
}

/// 依次运行 p1、p2、p3，每个都等它结束。
pub fn run() -> shared::Result {
    let mut p1 = Child::<(), ()>::spawn("isolation.stuck")?;
    println!("p1 一直阻塞，PID是{}", p1.pid());
    if p1.wait_timeout(shared::time::secs(3.0))?.is_none() {
        p1.kill()?;
        println!("p1 等了 3 秒还没结束，结束它：{}", describe(p1.join()?));
    }

    let p2 = Child::<(), ()>::spawn("isolation.crash")?;
    println!("p2 会崩溃，PID是{}", p2.pid());
    println!("p2 结束了：{}", describe(p2.join()?));

    let p3 = Child::<(), ()>::spawn("isolation.coding")?;
    println!("p3 结束了：{}", describe(p3.join()?));
    println!("主进程安然无恙，PID是{}", std::process::id());
    Ok(())
}
