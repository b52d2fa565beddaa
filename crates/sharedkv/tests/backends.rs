//! The binary offers exactly the strategies of the one list the tests and
//! benches use (`sharedkv_testsuite::for_each_strategy!`), in its order.

mod support;

use support::process::backends;

/// `--list-backends` prints every strategy of `for_each_strategy!`, named as `--backend` takes it, and nothing else.
#[test]
fn list_backends_matches_the_one_list() {
    let mut expected = Vec::new();
    macro_rules! name {
        ($name:ident, $new:expr) => {
            expected.push(stringify!($name).replace('_', "-"));
        };
    }
    sharedkv_testsuite::for_each_strategy!(name);
    assert!(!expected.is_empty());
    assert_eq!(backends(), expected);
}
