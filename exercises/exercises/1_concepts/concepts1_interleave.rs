// 练习 concepts1：单核多任务——一个核轮流做三件事。
// 对应文档「核与任务」，课程例子 `cargo run -p lesson-concepts -- one-core-many-tasks`。
//
// 一个核同一时刻只能做一件事。单核单任务：喝完酒再抽烟，抽完烟再吃烤鸭。单核多任务：
// 操作系统的调度器 (scheduler) 让每件事轮流上去做一小会儿（一个时间片 (time slice)），
// 从远处看三件事都在进行，凑近看每一刻只有一件。
//
// 这里的"核"就是调用 `one_core` 的这一个线程，"一口"是一小段真正占 CPU 的计算。
// 现在 `one_core` 是单核单任务。把它改成轮流：每件事做一口就让给下一件。

use std::hint::black_box;

/// 文档的三件事，每件几口。
const TASKS: [(&str, u32); 3] = [("喝酒", 3), ("抽烟", 3), ("吃烤鸭", 3)];

/// 一口：一小段真正占 CPU 的计算（已经写好，不用改）。
fn mouthful() -> u64 {
    (0..20_000u64).fold(0, |acc, i| black_box(acc ^ i.wrapping_mul(31)))
}

/// 一个核做完所有的事，按实际的先后返回每一口属于哪件事。
fn one_core(tasks: &[(&'static str, u32)]) -> Vec<&'static str> {
    let mut order = Vec::new();
    // TODO：现在做完一件才做下一件。改成轮流：把 (事, 剩几口) 放进一个先进先出的队列
    // (`std::collections::VecDeque`)，每次 `pop_front` 取出最前面的一件，做一口
    // (`mouthful()`，再记进 `order`)；还没做完就 `push_back` 排回队尾。
    for &(task, mouthfuls) in tasks {
        for _ in 0..mouthfuls {
            mouthful();
            order.push(task);
        }
    }
    order
}

fn main() {
    let order = one_core(&TASKS);
    println!("一个核上的先后：{}", order.join(" → "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_tasks_take_turns() {
        let order = one_core(&TASKS);
        assert_eq!(
            order.len(),
            9,
            "三件事各 3 口，一共该有 9 口，实际 {order:?}"
        );
        assert_eq!(
            order[..3],
            ["喝酒", "抽烟", "吃烤鸭"],
            "头三口应该三件事各一口（轮流），实际的先后：{order:?}。\
             现在是做完一件再做下一件（单核单任务）：每件事做一口就排到队尾去"
        );
        assert_eq!(
            order,
            ["喝酒", "抽烟", "吃烤鸭"].repeat(3),
            "三件事应该一直轮流，实际的先后：{order:?}"
        );
    }

    #[test]
    fn a_task_that_is_done_leaves_the_turns() {
        // 口数不一样：做完的那件不再占位置，剩下的继续轮流。
        let order = one_core(&[("a", 1), ("b", 3), ("c", 2)]);
        assert_eq!(
            order,
            ["a", "b", "c", "b", "c", "b"],
            "a 1 口、b 3 口、c 2 口，轮流的先后应是 a b c b c b"
        );
    }

    #[test]
    fn no_task_no_mouthful() {
        assert!(one_core(&[]).is_empty());
        assert_eq!(one_core(&[("a", 0), ("b", 1)]), ["b"]);
    }
}
