// 练习 processes1：在子进程 (child process) 里运行，再等它交回结果。
// 对应文档「多进程」和「进程阻塞」，课程例子 `cargo run -p lesson-processes -- spawn`、`-- join`。
//
// `Process::spawn(coding, ())` 把本程序再启动一次，子进程只运行 `coding`（参数的元组：
// 没有参数就是 `()`）。子进程有自己的 PID 和自己的内存。主进程要用子进程算出的结果，
// 就得等它做完：`join()` 阻塞主进程，直到子进程结束，并交回 `coding` 的返回值。
// `main` 第一行的 `process::init()?` 是 Rust 的 `if __name__ == '__main__':`：子进程在那里
// 做完交给它的事就退出，不会把 `main` 再跑一遍。
//
// 解法：`Process::spawn(coding, ())?.join()?`。

use shared::process::{self, Process};

/// 子进程里运行的函数：干一点活，交回自己的 PID 和算出的和。
fn coding() -> (u32, u64) {
    let pid = std::process::id();
    println!("开始写代码，PID是{pid}");
    let sum = (1..=100).sum();
    println!("休息一会儿，PID是{pid}");
    (pid, sum)
}

/// 让 `coding` 在一个子进程里运行，等它结束，返回它的结果。
fn run_in_child() -> Result<(u32, u64), process::Error> {
    let p1 = Process::spawn(coding, ())?;
    p1.join()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    process::init()?; // 子进程在这里做完 coding 就退出
    println!("我是主进程，PID是{}", std::process::id());
    let (pid, sum) = run_in_child()?;
    println!("子进程 {pid} 算出 1 + 2 + … + 100 = {sum}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 测试里的子进程：测试程序再启动一次，只运行这个宏定义的那个测试。
    shared::process::test_support!();

    #[test]
    fn coding_runs_in_another_process() {
        process::init().expect("init");
        let (pid, sum) = run_in_child().expect("子进程正常结束");
        assert_eq!(sum, 5050, "子进程算的 1..=100 之和");
        assert_ne!(
            pid,
            std::process::id(),
            "coding 报告的 PID 就是本进程的 PID：它是在本进程里直接调用的。\
             用 Process::spawn(coding, ()) 在子进程里运行它，再 join() 取回结果"
        );
    }
}
