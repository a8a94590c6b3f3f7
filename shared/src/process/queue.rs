//! 跨进程的队列，即 `multiprocessing.Queue`。

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

use super::{Error, Message, cleanup};

/// 发给队列的请求。
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
enum Request<T: Message> {
    Put(T),
    /// 想要一个值：请发到这里；`None` 表示等待已取消。
    Get(u64, IpcSender<Option<T>>),
    /// 不等了（超时）：如果还没发出值，请回一个 `None`。
    Cancel(u64),
}

/// 多个进程共用的队列，即 `multiprocessing.Queue`：谁都可以 `put`、谁都可以 `get`。
///
/// ipc-channel 的接收端只能有一个主人，所以队列的内容放在创建它的进程的一个经纪人
/// (broker) 线程里；每个句柄只是通往经纪人的发送端，可以克隆，也可以作为参数发给子进程。
/// 队列空时 `get` 阻塞；值按先来后到 (first come, first served) 交给等得最久的那个。
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Queue<T: Message> {
    requests: IpcSender<Request<T>>,
}

impl<T: Message> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            requests: self.requests.clone(),
        }
    }
}

impl<T: Message + Clone> Queue<T> {
    /// 新建队列，在本进程里启动经纪人线程；所有句柄（包括子进程里的）都没了它就结束。
    pub fn new() -> Result<Queue<T>, Error> {
        let (requests, inbox) = ipc::channel()?;
        thread::Builder::new()
            .name("sp-queue".into())
            .spawn(move || {
                cleanup::quiet_sigpipe(); // 等待者所在的进程死了：发送失败，而不是本进程被 SIGPIPE 结束
                broker(inbox)
            })
            .map_err(|e| Error(format!("开不了队列的经纪人线程 (thread refused)：{e}")))?;
        Ok(Queue { requests })
    }
}

impl<T: Message> Queue<T> {
    /// 放入一个值（Python 的 `put`）。
    pub fn put(&self, item: T) -> Result<(), Error> {
        Ok(self.requests.send(Request::Put(item))?)
    }

    /// 取出一个值；队列空时阻塞，直到有人放入（Python 的 `get()`，`block=True`）。
    pub fn get(&self) -> Result<T, Error> {
        let (_, answer) = self.ask()?;
        match answer.recv().map_err(unanswered)? {
            Some(item) => Ok(item),
            None => Err(Error("队列的等待被取消了".into())),
        }
    }

    /// 最多等 `timeout`：拿到值返回 `Some`，超时返回 `None`（Python 的 `get(timeout=…)`
    /// 抛出 `queue.Empty`）。`Duration::ZERO` 就是不等（`block=False`）。
    pub fn get_timeout(&self, timeout: Duration) -> Result<Option<T>, Error> {
        let (id, answer) = self.ask()?;
        // 到点时请经纪人取消这次等待：它要么已经发出了值，要么回一个 None——总之只回一次，
        // 这里一直等那一个回答就行。（不用带超时的接收：Windows 上取消一次还没完成的读，
        // Wine 下偶尔会把刚到的值丢掉。）
        let cancel = self.requests.clone();
        thread::Builder::new()
            .name("sp-timeout".into())
            .spawn(move || {
                thread::sleep(timeout);
                let _ = cancel.send(Request::Cancel(id));
            })
            .map_err(|e| Error(format!("开不了计时的线程 (thread refused)：{e}")))?;
        answer.recv().map_err(unanswered)
    }

    fn ask(&self) -> Result<(u64, IpcReceiver<Option<T>>), Error> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let id = (u64::from(std::process::id()) << 32) | NEXT.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = ipc::channel()?;
        self.requests.send(Request::Get(id, reply))?;
        Ok((id, answer))
    }
}

/// 等回答的通道断了：经纪人（在建队列的进程里）不在了，或者那个进程的文件描述符用完了，
/// 这次请求没收到。
fn unanswered(e: ipc_channel::IpcError) -> Error {
    match e {
        ipc_channel::IpcError::Disconnected => Error(
            "队列没有回答：建队列的进程不在了，或者它的文件描述符用完了、没收到这次请求".into(),
        ),
        e => e.into(),
    }
}

fn broker<T: Message + Clone>(inbox: IpcReceiver<Request<T>>) {
    let mut items = VecDeque::new();
    let mut waiting: VecDeque<(u64, IpcSender<Option<T>>)> = VecDeque::new();
    loop {
        let request = match super::child::quietly(|| inbox.recv()) {
            Ok(Ok(request)) => request,
            Ok(Err(_)) => break, // 所有的句柄都没了
            // 文件描述符用完时，内核截掉了请求里的通道，ipc-channel 解它时 panic：这条请求
            // 丢了，发请求的那一方会看到回答的通道断了（见 `Queue::get`）。
            Err(_) => continue,
        };
        match request {
            Request::Put(item) => items.push_back(item),
            Request::Get(id, reply) => waiting.push_back((id, reply)),
            Request::Cancel(id) => {
                if let Some(at) = waiting.iter().position(|(w, _)| *w == id)
                    && let Some((_, reply)) = waiting.remove(at)
                {
                    let _ = reply.send(None);
                }
            }
        }
        // 有值、也有人在等：交给等得最久的那个。发送失败说明它已经不在了，值留给下一个。
        while let Some(item) = items.front()
            && let Some((_, reply)) = waiting.pop_front()
        {
            if reply.send(Some(item.clone())).is_ok() {
                items.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 先来先得：三个等待者按登记的顺序拿到三个值。换成后来先得（LIFO）这个测试就失败。
    #[test]
    fn the_queue_serves_waiters_first_come_first_served() {
        let queue = Queue::<u32>::new().expect("queue");
        let answers: Vec<_> = (0..3).map(|_| queue.ask().expect("ask").1).collect();
        for n in [10, 20, 30] {
            queue.put(n).expect("put");
        }
        let got: Vec<_> = answers.iter().map(|a| a.recv().expect("answer")).collect();
        assert_eq!(got, [Some(10), Some(20), Some(30)]);
    }

    #[test]
    fn get_timeout_on_an_empty_queue_returns_none_and_leaves_no_waiter() {
        let queue = Queue::<u32>::new().expect("queue");
        assert_eq!(
            queue.get_timeout(Duration::from_millis(10)).expect("get"),
            None
        );
        queue.put(7).expect("put");
        // 被取消的等待者没有吞掉这个值。
        assert_eq!(queue.get_timeout(Duration::ZERO).expect("get"), Some(7));
        assert_eq!(queue.get_timeout(Duration::ZERO).expect("get"), None);
    }
}
