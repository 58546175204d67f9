// A port read as a `u32` is not an address to listen on: `serve(9101)` takes a `u16`.
fn main() {
    let port: u32 = 9101;
    let _server = promenade::serve::serve(port);
}
