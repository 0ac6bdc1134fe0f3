// Embedded migrations are read at compile time: rebuild when a migration folder is added.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
