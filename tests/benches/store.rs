pub fn run(_args: &[String]) {
    println!("store benchmark: not yet written");
}
