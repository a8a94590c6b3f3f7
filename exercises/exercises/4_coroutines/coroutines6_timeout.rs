// 练习 coroutines6：给慢的协程一个期限 (timeout)。
// 对应文档「协程程序」之后：`await` 一个很慢的 IO 操作，总得有个头。Python 里是
// `asyncio.wait_for(coro, timeout)`；课程例子 `cargo run -p lesson-coroutines -- async-sleep`。
//
// `tokio::time::timeout(期限, future)` 也是一个 future：`.await` 它时，里面的 future 在期限
// 之内做完就得到 `Ok(结果)`；期限到了还没做完，就得到 `Err(Elapsed)`，里面那个 future 被
// 丢弃 (drop)——协程不会在半路被"杀死"，只是再也没人推进它。
//
// 现在慢的请求要等多久就等多久。给它一个期限。

use std::time::{Duration, Instant};

/// 一次很慢的"网络请求"：要 `took` 这么久才回来。
async fn fetch(name: &str, took: Duration) -> String {
    tokio::time::sleep(took).await;
    format!("{name} 的内容")
}

/// 最多等 `limit`：按时回来就是 `Some(内容)`，超时就是 `None`。
async fn fetch_within(name: &str, took: Duration, limit: Duration) -> Option<String> {
    // TODO：这里要等多久就等多久。用 `tokio::time::timeout(limit, fetch(name, took))`
    // 包住它再 `.await`：得到 `Result<String, Elapsed>`，`.ok()` 把它变成 `Option`。
    let _ = limit;
    Some(fetch(name, took).await)
}

/// 一快一慢两个请求同时发出，每个最多等 `limit`。
fn run(limit: Duration) -> (Option<String>, Option<String>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("建得起运行时")
        .block_on(futures::future::join(
            fetch_within("快的", Duration::from_millis(50), limit),
            fetch_within("慢的", Duration::from_secs(1), limit),
        ))
}

fn main() {
    let start = Instant::now();
    let (fast, slow) = run(Duration::from_millis(200));
    println!("快的：{fast:?}；慢的：{slow:?}");
    println!("总耗时: {:.3}秒.", start.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slow_one_is_given_up() {
        let start = Instant::now();
        let (fast, slow) = run(Duration::from_millis(200));
        let total = start.elapsed();
        assert_eq!(
            fast.as_deref(),
            Some("快的 的内容"),
            "50 毫秒就回来的请求在期限之内"
        );
        assert_eq!(
            slow, None,
            "要 1 秒的请求超过了 200 毫秒的期限，应该是 None：用 tokio::time::timeout 包住它"
        );
        // 期限 200 毫秒：不等慢的那个的 1 秒。
        assert!(
            total < Duration::from_millis(600),
            "总耗时 {total:?}：到了期限还在等慢的那个"
        );
    }
}
