//! 本进程的线程，从操作系统读出来：`threading.activeCount()` 和
//! `threading.enumerate()` 的对应物。
//!
//! Python 数的是它自己登记的 `Thread` 对象；Rust 标准库不登记线程，所以我们直接问
//! 内核：Linux 在 `/proc/self/status` 里写着 `Threads:`，在 `/proc/self/task/` 下
//! 每个线程一个目录。这样数到的是真实的操作系统线程 (OS thread)，包括运行时偷偷
//! 开的线程（比如 tokio 的工作线程），这一点和 Python 不同。只支持 Linux。

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};

/// 课程二进制画时间线时在旁边开的采样线程（[`crate::chart::Sampler`]）的线程号，没有时为 0。
/// 它不是例子的线程，[`count`] 和 [`list`] 不算它；复制走的程序里永远是 0。
pub(crate) static SAMPLER: AtomicU32 = AtomicU32::new(0);

/// 本进程现在有几个线程。
pub fn count() -> io::Result<usize> {
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status")?;
        let n: usize = status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| io::Error::other("/proc/self/status 里没有 Threads: 一行"))?;
        let sampler = usize::from(SAMPLER.load(Ordering::Relaxed) != 0);
        Ok(n.saturating_sub(sampler))
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(linux_only())
    }
}

/// 本进程的每个线程：(线程号 TID, 名字)，按线程号排序。
pub fn list() -> io::Result<Vec<(u32, String)>> {
    #[cfg(target_os = "linux")]
    {
        let mut out = Vec::new();
        for entry in std::fs::read_dir("/proc/self/task")? {
            let entry = entry?;
            let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if tid == SAMPLER.load(Ordering::Relaxed) {
                continue;
            }
            // 线程可能刚好结束了：读不到名字就跳过它。
            if let Ok(name) = std::fs::read(entry.path().join("comm")) {
                out.push((tid, String::from_utf8_lossy(&name).trim_end().to_owned()));
            }
        }
        out.sort();
        Ok(out)
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(linux_only())
    }
}

#[cfg(not(target_os = "linux"))]
fn linux_only() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "读线程数目前只支持 Linux (Linux only)",
    )
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_new_thread_is_counted_and_listed() {
        let (started_tx, started_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("counted".into())
            .spawn(move || {
                started_tx.send(()).unwrap();
                // 等到主线程放手（发送端被丢弃时 recv 返回错误）。
                let _ = stop_rx.recv();
            })
            .unwrap();
        started_rx.recv().unwrap();
        // 其他测试可能同时开关线程，所以不比较具体的数，只看新线程确实在册。
        let listed = list().unwrap();
        drop(stop_tx);
        handle.join().unwrap();
        assert!(count().unwrap() >= 1);
        assert!(listed.iter().any(|(_, n)| n == "counted"), "{listed:?}");
    }
}
