//! 跨进程的队列 (queue)：文档里 `multiprocessing.Queue` 的一个小实现。
//!
//! ipc-channel 的接收端只能有一个消费者 (consumer)，而队列要让好几个进程 `get`。
//! 办法：队列的内容只存在父进程的一个经纪人线程 (broker) 里；各进程拿到的 [`Queue`]
//! 只是通往经纪人的发送端，`put`/`get` 都是发给它的请求。队列空时 `get` 阻塞，
//! 东西按先来后到 (FIFO) 交给最早开始等的那个进程。

use std::collections::VecDeque;
use std::thread::JoinHandle;

use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

use crate::child::Message;

#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
enum Request<T: Message> {
    Put(T),
    /// 想要一个值：请把它发到这个发送端。
    Get(IpcSender<T>),
}

/// 队列的一个句柄：可以克隆，也可以作为消息发给子进程。
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Queue<T: Message> {
    requests: IpcSender<Request<T>>,
}

impl<T: Message + Clone> Queue<T> {
    /// 新建队列，并在本进程里启动经纪人线程；所有句柄都丢弃后它自己结束。
    pub fn new() -> shared::Result<(Self, JoinHandle<()>)> {
        let (requests, inbox) = ipc::channel()?;
        let broker = std::thread::spawn(move || broker(inbox));
        Ok((Queue { requests }, broker))
    }

    /// 放入一个值。
    pub fn put(&self, item: T) -> shared::Result {
        Ok(self.requests.send(Request::Put(item))?)
    }

    /// 取出一个值；队列空时阻塞，直到有人放入。
    pub fn get(&self) -> shared::Result<T> {
        let (reply, answer) = ipc::channel()?;
        self.requests.send(Request::Get(reply))?;
        Ok(answer.recv()?)
    }
}

fn broker<T: Message + Clone>(inbox: IpcReceiver<Request<T>>) {
    let mut items = VecDeque::new();
    let mut waiting: VecDeque<IpcSender<T>> = VecDeque::new();
    while let Ok(request) = inbox.recv() {
        match request {
            Request::Put(item) => items.push_back(item),
            Request::Get(reply) => waiting.push_back(reply),
        }
        // 有值、也有人在等：交给等得最久的那个。发送失败说明它已经死了，值留给下一个。
        while let Some(item) = items.front()
            && let Some(reply) = waiting.pop_front()
        {
            if reply.send(item.clone()).is_ok() {
                items.pop_front();
            }
        }
    }
}
