//! 本进程用了多少内存：常驻内存 (resident set, RSS) 和虚拟内存 (virtual memory)，此刻的和峰值。
//!
//! 量"一个线程、一个任务要多少内存"的例子（协程课的 `scale`）用它：开 N 个之前量一次，
//! N 个都在的时候再量一次，差除以 N。每个系统问法不同：
//!
//! - Linux：`/proc/self/status` 的 `VmRSS`、`VmHWM`（峰值常驻）、`VmSize`、`VmPeak`；
//! - Windows：`NtQueryInformationProcess` 的 `VM_COUNTERS`（工作集 (working set) 就是常驻内存）；
//! - macOS：Mach 内核的 `task_info(MACH_TASK_BASIC_INFO)`，它只记常驻内存的峰值，
//!   虚拟内存的"峰值"就是此刻的值——所以要在 N 个都还在的时候量。
//!
//! 在自己的项目里，换成系统的工具（`top`、任务管理器、活动监视器）看就行了。

use std::io;

/// 某一刻本进程的内存，单位字节。
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// 此刻的常驻内存（真的占着物理内存的部分）。
    pub resident: u64,
    /// 到此刻为止常驻内存的峰值。
    pub peak_resident: u64,
    /// 此刻的虚拟内存（映射了的地址空间，包括线程栈预留的部分）。
    pub virtual_size: u64,
    /// 到此刻为止虚拟内存的峰值（macOS 不记峰值，是此刻的值）。
    pub peak_virtual: u64,
}

/// 本进程此刻的内存。
pub fn now() -> io::Result<Memory> {
    os::now()
}

#[cfg(target_os = "linux")]
mod os {
    use super::Memory;
    use std::io;

    pub fn now() -> io::Result<Memory> {
        let status = std::fs::read_to_string("/proc/self/status")
            .map_err(|e| crate::threads::proc_error("/proc/self/status", "量本进程的内存", e))?;
        let kib = |name: &str| {
            status
                .lines()
                .find_map(|l| {
                    let rest = l.strip_prefix(name)?.strip_prefix(':')?;
                    rest.trim().strip_suffix(" kB")?.parse::<u64>().ok()
                })
                .map(|k| k * 1024)
                .ok_or_else(|| io::Error::other(format!("/proc/self/status 里没有 {name}")))
        };
        Ok(Memory {
            resident: kib("VmRSS")?,
            peak_resident: kib("VmHWM")?,
            virtual_size: kib("VmSize")?,
            peak_virtual: kib("VmPeak")?,
        })
    }
}

#[cfg(windows)]
mod os {
    use super::Memory;
    use std::io;
    use windows_sys::Wdk::System::SystemServices::VM_COUNTERS;
    use windows_sys::Wdk::System::Threading::{NtQueryInformationProcess, ProcessVmCounters};
    use windows_sys::Win32::System::Threading::GetCurrentProcess;

    pub fn now() -> io::Result<Memory> {
        let mut vm = VM_COUNTERS::default();
        // SAFETY: 当前进程的伪句柄；`vm` 可写，传入的大小就是它的大小。
        let status = unsafe {
            NtQueryInformationProcess(
                GetCurrentProcess(),
                ProcessVmCounters,
                (&raw mut vm).cast(),
                size_of::<VM_COUNTERS>() as u32,
                std::ptr::null_mut(),
            )
        };
        if status < 0 {
            return Err(io::Error::other(format!(
                "NtQueryInformationProcess 失败 (NTSTATUS {status:#x})"
            )));
        }
        Ok(Memory {
            resident: vm.WorkingSetSize as u64,
            peak_resident: vm.PeakWorkingSetSize as u64,
            virtual_size: vm.VirtualSize as u64,
            peak_virtual: vm.PeakVirtualSize as u64,
        })
    }
}

#[cfg(target_os = "macos")]
mod os {
    use super::Memory;
    use std::io;

    unsafe extern "C" {
        // 本进程的 Mach 任务端口（<mach/mach_init.h> 里的 mach_task_self()）。
        static mach_task_self_: libc::mach_port_t;
    }

    pub fn now() -> io::Result<Memory> {
        // SAFETY: 普通的数据结构，全零合法。
        let mut info: libc::mach_task_basic_info = unsafe { std::mem::zeroed() };
        let mut count = libc::MACH_TASK_BASIC_INFO_COUNT;
        // SAFETY: 本进程的任务端口；`info` 可写，`count` 是它以 integer_t 计的大小。
        let kr = unsafe {
            libc::task_info(
                mach_task_self_,
                libc::MACH_TASK_BASIC_INFO,
                (&raw mut info).cast(),
                &mut count,
            )
        };
        if kr != libc::KERN_SUCCESS {
            return Err(io::Error::other("task_info 失败"));
        }
        Ok(Memory {
            resident: info.resident_size,
            peak_resident: info.resident_size_max,
            virtual_size: info.virtual_size,
            peak_virtual: info.virtual_size,
        })
    }
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod os {
    use super::Memory;
    use std::io;

    pub fn now() -> io::Result<Memory> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "这个系统上量不出内存 (unsupported OS)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_allocation_that_is_touched_raises_resident_and_virtual_memory() {
        let before = now().expect("memory");
        let big = vec![1u8; 64 << 20]; // 64 MiB，每一页都写过，真的占着物理内存
        let during = now().expect("memory");
        std::hint::black_box(&big);
        assert!(
            during.resident >= before.resident + (32 << 20),
            "{before:?} {during:?}"
        );
        assert!(
            during.virtual_size >= before.virtual_size + (32 << 20),
            "{before:?} {during:?}"
        );
        assert!(during.peak_resident >= during.resident, "{during:?}");
        assert!(during.peak_virtual >= during.virtual_size, "{during:?}");
    }
}
