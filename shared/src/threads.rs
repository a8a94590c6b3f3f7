//! 本进程的线程，从操作系统读出来：`threading.activeCount()` 和
//! `threading.enumerate()` 的对应物。
//!
//! Python 数的是它自己登记的 `Thread` 对象；Rust 标准库不登记线程，所以我们直接问
//! 操作系统，数到的是真实的操作系统线程 (OS thread)，包括运行时偷偷开的线程（比如
//! tokio 的工作线程），这一点和 Python 不同。每个系统问法不同：
//!
//! - Linux：`/proc/self/status` 里的 `Threads:`，`/proc/self/task/` 下每个线程一个目录；
//! - Windows：系统的线程快照 (`CreateToolhelp32Snapshot`)，名字是 `GetThreadDescription`。
//!   Windows 10 起，系统的加载器 (loader) 在进程启动时自己开几个线程池的线程并行加载
//!   DLL，闲置约 30 秒后退出；它们从 `ntdll.dll` 里开始运行，不是程序开的，这里不算；
//! - macOS：Mach 内核的 `task_threads`，名字是 `pthread_getname_np`。

use std::io;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicU32, Ordering};

/// 课程二进制画时间线时在旁边开的采样线程（[`crate::chart::Sampler`]，只在 Linux 上有）的
/// 线程号，没有时为 0。它不是例子的线程，[`count`] 和 [`list`] 不算它；复制走的程序里永远是 0。
#[cfg(target_os = "linux")]
pub(crate) static SAMPLER: AtomicU32 = AtomicU32::new(0);

/// 本进程现在有几个线程。
pub fn count() -> io::Result<usize> {
    crate::chart::note_thread();
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string("/proc/self/status")
            .map_err(|e| proc_error("/proc/self/status", "数本进程的线程", e))?;
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
        Ok(list()?.len())
    }
}

/// 读 `/proc` 出错时说出读的是什么、为什么要读，没有这个文件时问一句 `/proc` 挂上了没有
/// （容器里可能没有）；错误的种类不变。
#[cfg(target_os = "linux")]
pub(crate) fn proc_error(path: &str, what: &str, e: io::Error) -> io::Error {
    let hint = if e.kind() == io::ErrorKind::NotFound {
        "（/proc 挂上了吗？）"
    } else {
        ""
    };
    io::Error::new(e.kind(), format!("读 {path} {what}失败{hint}：{e}"))
}

/// 本进程的每个线程：(线程号, 名字)，按线程号排序。没有名字的线程名字是空的。
pub fn list() -> io::Result<Vec<(u64, String)>> {
    crate::chart::note_thread();
    let mut out = os::list()?;
    out.sort();
    Ok(out)
}

#[cfg(target_os = "linux")]
mod os {
    use super::{Ordering, SAMPLER};
    use std::io;

    pub fn list() -> io::Result<Vec<(u64, String)>> {
        let mut out = Vec::new();
        let task = "/proc/self/task";
        for entry in
            std::fs::read_dir(task).map_err(|e| super::proc_error(task, "列出本进程的线程", e))?
        {
            let entry = entry.map_err(|e| super::proc_error(task, "列出本进程的线程", e))?;
            let Some(tid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if tid == SAMPLER.load(Ordering::Relaxed) {
                continue;
            }
            // 线程可能刚好结束了：读不到名字就跳过它。
            if let Ok(name) = std::fs::read(entry.path().join("comm")) {
                let name = String::from_utf8_lossy(&name).trim_end().to_owned();
                out.push((u64::from(tid), name));
            }
        }
        Ok(out)
    }
}

#[cfg(windows)]
mod os {
    use std::io;
    use windows_sys::Wdk::System::Threading::{
        NtQueryInformationThread, ThreadQuerySetWin32StartAddress,
    };
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, HMODULE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::Foundation::{LocalFree, NTSTATUS};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, TH32CS_SNAPTHREAD, THREADENTRY32, Thread32First, Thread32Next,
    };
    use windows_sys::Win32::System::LibraryLoader::{
        GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
        GetModuleHandleExW, GetModuleHandleW,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcessId, GetThreadDescription, OpenThread, THREAD_QUERY_INFORMATION,
    };

    /// 关掉一个句柄 (handle)。
    struct Handle(HANDLE);

    impl Drop for Handle {
        fn drop(&mut self) {
            // SAFETY: 句柄是我们打开的、有效的，只关这一次。
            unsafe { CloseHandle(self.0) };
        }
    }

    pub fn list() -> io::Result<Vec<(u64, String)>> {
        // SAFETY: 拍一张全系统线程的快照；失败时返回 INVALID_HANDLE_VALUE。
        let snapshot = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) };
        if snapshot == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        let snapshot = Handle(snapshot);
        let ntdll = ntdll();
        // SAFETY: 没有参数，只返回本进程的 PID。
        let me = unsafe { GetCurrentProcessId() };
        // SAFETY: THREADENTRY32 是普通的数据结构，全零合法；dwSize 按文档先填好。
        let mut entry: THREADENTRY32 = unsafe { std::mem::zeroed() };
        entry.dwSize = size_of::<THREADENTRY32>() as u32;
        let mut out = Vec::new();
        // SAFETY: 快照句柄有效，entry 可写且 dwSize 正确。
        let mut more = unsafe { Thread32First(snapshot.0, &mut entry) } != 0;
        while more {
            if entry.th32OwnerProcessID == me
                && let Some(name) = our_thread(entry.th32ThreadID, ntdll)
            {
                out.push((u64::from(entry.th32ThreadID), name));
            }
            // SAFETY: 同上。
            more = unsafe { Thread32Next(snapshot.0, &mut entry) } != 0;
        }
        Ok(out)
    }

    /// `ntdll.dll` 在本进程里的模块句柄（每个进程都加载了它）。
    fn ntdll() -> HMODULE {
        let name: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
        // SAFETY: name 是以 0 结尾的 UTF-16 字符串；只查询，不增加引用计数。
        unsafe { GetModuleHandleW(name.as_ptr()) }
    }

    /// 线程 `tid` 的名字；它已经结束了、或者是系统在 `ntdll.dll` 里开的线程池线程时为 `None`。
    fn our_thread(tid: u32, ntdll: HMODULE) -> Option<String> {
        // SAFETY: 打开本进程的一个线程，只为查询；失败（线程已结束）时返回空指针。
        let thread = unsafe { OpenThread(THREAD_QUERY_INFORMATION, 0, tid) };
        if thread.is_null() {
            return None;
        }
        let thread = Handle(thread);
        let mut start: usize = 0;
        // SAFETY: 线程句柄有效；这一类信息是一个指针大小的起始地址，写进 `start`。
        let status: NTSTATUS = unsafe {
            NtQueryInformationThread(
                thread.0,
                ThreadQuerySetWin32StartAddress,
                (&raw mut start).cast(),
                size_of::<usize>() as u32,
                std::ptr::null_mut(),
            )
        };
        if status >= 0 && !ntdll.is_null() {
            let mut module: HMODULE = std::ptr::null_mut();
            // SAFETY: 只查询地址 `start` 属于哪个已加载的模块，不改引用计数。
            let found = unsafe {
                GetModuleHandleExW(
                    GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS
                        | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                    start as *const u16,
                    &mut module,
                )
            } != 0;
            if found && module == ntdll {
                return None;
            }
        }
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: 线程句柄有效；成功时系统分配一个以 0 结尾的字符串，用 LocalFree 释放。
        let name = unsafe {
            if GetThreadDescription(thread.0, &mut text) < 0 || text.is_null() {
                String::new()
            } else {
                let len = (0..).take_while(|&i| *text.add(i) != 0).count();
                let name = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
                LocalFree(text.cast());
                name
            }
        };
        Some(name)
    }
}

#[cfg(target_os = "macos")]
mod os {
    use std::io;

    unsafe extern "C" {
        // 本进程的 Mach 任务端口（<mach/mach_init.h> 里的 mach_task_self()）。
        static mach_task_self_: libc::mach_port_t;
        fn mach_port_deallocate(task: libc::mach_port_t, name: libc::mach_port_t) -> i32;
    }

    pub fn list() -> io::Result<Vec<(u64, String)>> {
        let mut threads: libc::thread_act_array_t = std::ptr::null_mut();
        let mut n: libc::mach_msg_type_number_t = 0;
        // SAFETY: 读本进程的任务端口；task_threads 成功时分配一个端口数组，下面逐个释放。
        let task = unsafe { mach_task_self_ };
        if unsafe { libc::task_threads(task, &mut threads, &mut n) } != libc::KERN_SUCCESS {
            return Err(io::Error::other("task_threads 失败"));
        }
        let mut out = Vec::new();
        for i in 0..n as usize {
            // SAFETY: 数组里有 n 个线程端口；本进程的线程都是 pthread 开的。
            unsafe {
                let port = *threads.add(i);
                let pthread = libc::pthread_from_mach_thread_np(port);
                let mut id = 0u64;
                let mut name = [0 as libc::c_char; 64];
                if pthread != 0 as libc::pthread_t
                    && libc::pthread_threadid_np(pthread, &mut id) == 0
                {
                    libc::pthread_getname_np(pthread, name.as_mut_ptr(), name.len());
                    let name = std::ffi::CStr::from_ptr(name.as_ptr());
                    out.push((id, name.to_string_lossy().into_owned()));
                }
                mach_port_deallocate(task, port);
            }
        }
        // SAFETY: 释放 task_threads 分配的数组（n 个端口的大小）。
        unsafe {
            libc::vm_deallocate(
                task,
                threads as libc::vm_address_t,
                n as usize * size_of::<libc::thread_act_t>(),
            );
        }
        Ok(out)
    }
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod os {
    use std::io;

    pub fn list() -> io::Result<Vec<(u64, String)>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "这个系统上读不出本进程的线程 (unsupported OS)",
        ))
    }
}

#[cfg(test)]
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
        let counted = count().unwrap();
        drop(stop_tx);
        handle.join().unwrap();
        assert!(counted >= 2, "{counted}");
        assert!(listed.iter().any(|(_, n)| n == "counted"), "{listed:?}");
    }

    /// 系统线程池 (thread pool) 的线程从 `ntdll.dll` 里开始运行，不是程序开的，不算——
    /// Windows 10 进程启动时加载器开的几个线程就是这种线程。这里自己往线程池里丢一个
    /// 回调，让池子开一个这样的线程，看它不在列表里。
    #[cfg(windows)]
    #[test]
    fn the_systems_thread_pool_threads_are_not_counted() {
        use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
        use windows_sys::Win32::System::Threading::{
            GetCurrentThreadId, PTP_CALLBACK_INSTANCE, TrySubmitThreadpoolCallback,
        };
        static POOL_THREAD: AtomicU32 = AtomicU32::new(0);
        static RELEASE: AtomicBool = AtomicBool::new(false);
        unsafe extern "system" fn work(_: PTP_CALLBACK_INSTANCE, _: *mut core::ffi::c_void) {
            // SAFETY: 没有参数，只返回当前线程的线程号。
            POOL_THREAD.store(unsafe { GetCurrentThreadId() }, Ordering::SeqCst);
            while !RELEASE.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        // SAFETY: 回调是上面的函数，不用上下文，用默认的线程池。
        let ok = unsafe {
            TrySubmitThreadpoolCallback(Some(work), std::ptr::null_mut(), std::ptr::null())
        };
        assert_ne!(ok, 0, "submit to the thread pool");
        while POOL_THREAD.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let pool = u64::from(POOL_THREAD.load(Ordering::SeqCst));
        let listed = list().unwrap();
        RELEASE.store(true, Ordering::SeqCst);
        // SAFETY: 同上。
        let me = u64::from(unsafe { GetCurrentThreadId() });
        assert!(
            listed.iter().any(|(t, _)| *t == me),
            "this thread {me}: {listed:?}"
        );
        assert!(
            listed.iter().all(|(t, _)| *t != pool),
            "pool thread {pool}: {listed:?}"
        );
    }
}
