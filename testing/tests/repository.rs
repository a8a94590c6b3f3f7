//! 仓库本身的约定：学习者复制走的 `shared/` 里只有 `shared` 这一个 crate（测试帮手在
//! 根目录的 `testing/`）；代码和文档只引用仓库里打得开的文件。
//! 说的是仓库，不是哪个系统：只在 Unix 上查（Wine 里不一定找得到编译时记下的 Linux 路径）。

#![cfg(unix)]

use std::path::{Path, PathBuf};

/// 仓库的根目录（这个 crate 在 `testing/`）。
fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .expect("testing/ sits in the repository")
        .to_owned()
}

/// `dir` 下的所有文件（跳过 `target/` 和 `.git/`）。
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read a directory") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    todo.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn the_shared_folder_holds_only_the_shared_crate() {
    let shared = root().join("shared");
    let manifests: Vec<PathBuf> = files(&shared)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Cargo.toml"))
        .collect();
    assert_eq!(
        manifests,
        vec![shared.join("Cargo.toml")],
        "学习者复制 shared/ 时只该带走 shared 这个 crate"
    );
}

#[test]
fn sources_cite_only_files_in_the_repository() {
    // 课程大纲 SYLLABUS.md 不在仓库里：读者打不开它。
    let missing = ["SYLLABUS.md"];
    let mut cites = Vec::new();
    for path in files(&root()) {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !["rs", "md", "toml"].contains(&ext) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source file");
        for name in missing {
            // 这个测试自己要写出这个名字。
            if text.contains(name) && !path.ends_with("testing/tests/repository.rs") {
                cites.push(format!("{} cites {name}", path.display()));
            }
        }
    }
    assert!(cites.is_empty(), "{}", cites.join("\n"));
}

#[test]
fn the_readme_names_the_document_it_ports() {
    // 源文档的标题（它的第一行：`# 程序运行概念、并发编程`）。
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let intro: String = readme.lines().take(8).collect();
    assert!(
        intro.contains("《程序运行概念、并发编程》"),
        "README 的开头说出移植的是哪篇文档\n{intro}"
    );
}
