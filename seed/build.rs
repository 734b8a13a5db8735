//! Embeds every bundle in `bundles/`, and the article texts beside them, so
//! the server can seed a fresh database without depending on the working
//! directory.

use std::fmt::Write;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bundles");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("seed/bundles exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml" || x == "txt"))
        .collect();
    files.sort();
    let mut bundles = String::from("&[\n");
    let mut texts = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().and_then(|n| n.to_str()).expect("bundle names are UTF-8");
        let list = if name.ends_with(".toml") { &mut bundles } else { &mut texts };
        writeln!(list, "    ({name:?}, include_str!({:?})),", f.display().to_string()).expect("write to string");
    }
    bundles.push(']');
    texts.push(']');
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo")).to_path_buf();
    std::fs::write(out.join("bundled.rs"), bundles).expect("write bundled.rs");
    std::fs::write(out.join("bundled_texts.rs"), texts).expect("write bundled_texts.rs");
}
