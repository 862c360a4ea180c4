//! `embed_migrations!` reads the migration directories at compile time, but cargo does not
//! know it: without this, a new migration directory leaves a build with the old set embedded.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
