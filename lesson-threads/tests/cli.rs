//! 命令行的约定：目录、--help、未知的例子或选项、不合法的环境变量 → 退出码 2；
//! README 里这一课的每个文档标题都能运行它的例子，或者被拒绝并说出它可能指的例子。

#[test]
fn the_command_line_keeps_its_contract() {
    shared_testing::check_cli_contract(
        env!("CARGO_BIN_EXE_lesson-threads"),
        &lesson_threads::LESSON,
    );
}

/// README 的表格行：(文档标题, 命令里的例子名)。
fn readme_rows(readme: &str) -> Vec<(String, String)> {
    let titles = shared_testing::readme_titles(readme, "lesson-threads");
    // 同 readme_titles：从 `### … → `lesson-threads`` 开始，到下一个标题为止。
    let start = readme
        .lines()
        .position(|l| l.starts_with("###") && l.contains("→ `lesson-threads`"))
        .unwrap_or(usize::MAX);
    let names: Vec<String> = readme
        .lines()
        .skip(start.saturating_add(1))
        .take_while(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with("| "))
        .filter_map(|l| {
            let cmd = l.split('|').nth(3)?.trim().trim_matches('`');
            let rest = cmd.strip_prefix("lesson-threads")?;
            let after = rest.split(" -- ").nth(1)?;
            Some(after.split_whitespace().next()?.to_owned())
        })
        .collect();
    assert_eq!(titles.len(), names.len(), "every row has a command");
    titles.into_iter().zip(names).collect()
}

#[test]
fn every_readme_title_resolves_to_its_example() {
    let lesson = &lesson_threads::LESSON;
    let rows = readme_rows(include_str!("../../README.md"));
    assert!(!rows.is_empty(), "README 里没有 lesson-threads 的表格");
    let mut wrong = Vec::new();
    for (title, name) in &rows {
        // Markdown 的反引号只是排版：读者看到、照着敲的是去掉反引号的标题。
        let typed = title.replace('`', "");
        match shared::cli::resolve(lesson, &typed) {
            Ok(e) if e.name == *name => {}
            Err(names) if names.contains(&name.as_str()) => {}
            other => wrong.push(format!(
                "{title} → {:?}, expected {name}",
                other.map(|e| e.name)
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// 每个例子在 README 里都有一行。
#[test]
fn every_example_has_a_readme_row() {
    let lesson = &lesson_threads::LESSON;
    let rows = readme_rows(include_str!("../../README.md"));
    for e in lesson.examples {
        assert!(
            rows.iter().any(|(_, n)| n == e.name),
            "README 没有 {}",
            e.name
        );
    }
}
