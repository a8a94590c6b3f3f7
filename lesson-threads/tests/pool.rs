//! `pool` 例子里的线程池，直接当库来用：任务 panic 时 `result()` 交出 panic 的内容，
//! 工作线程活下来接着干活（Python 的 `future.result()` 把任务里的异常重新抛出来）。

use std::thread;

use lesson_threads::pool::ThreadPool;

#[test]
fn a_panicking_job_hands_its_panic_to_result_and_the_worker_lives_on() {
    // 只有一个工作线程：它要是被 panic 带走，后面的任务就没人做了。
    let pool = ThreadPool::new(1).expect("a pool");
    let bad = pool.submit(|| -> u32 { panic!("模拟一个 bug") });
    let after = pool.submit(|| thread::current().name().map(str::to_owned));
    let payload = bad.result().expect_err("the job panicked");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"模拟一个 bug"));
    assert_eq!(after.result().expect("no panic"), Some("pool-0".to_owned()));
}

#[test]
fn result_returns_the_value_of_a_job() {
    let pool = ThreadPool::new(4).expect("a pool");
    let handles: Vec<_> = (1..=8u64).map(|i| pool.submit(move || i * i)).collect();
    let squares: Vec<u64> = handles
        .into_iter()
        .map(|h| h.result().expect("no panic"))
        .collect();
    assert_eq!(squares, [1, 4, 9, 16, 25, 36, 49, 64]);
}
