//! `ka_is_alive` lookups: literal, variable and expression parameters agree for every
//! destination form, and the per-process remembered answers follow additions and deletions.

use super::*;

/// `ka_is_alive` with a literal parameter (prepared at fixup time) answers exactly as with a
/// variable holding the same text (read in place), as with an expression (fixed up on every
/// call) and as with a string that formats a variable, for every destination form; a literal
/// that is not a destination is reported at start-up and always returns -1.
#[test]
fn is_alive_literal_and_variable_parameters_agree_for_every_form() {
    let up = Uas::start(0, Answer::Code(200));
    let silent = Uas::start(0, Answer::Silent);
    let (u, s) = (up.port(), silent.port());
    let dests = [
        format!("sip:127.0.0.1:{u}"),
        format!("sip:alice@127.0.0.1:{u}"),
        format!("sip:localhost:{u}"),
        format!("sip:127.0.0.1:{s}"),
    ];
    // (literal text, expected rc once the states are known; 0: 1 or 2)
    let forms: Vec<(String, i64)> = vec![
        (format!("127.0.0.1:{u}"), 1),
        (format!("sip:127.0.0.1:{u}"), 1),
        (format!("SIP:127.0.0.1:{u};transport=UDP"), 1),
        (format!(" 127.0.0.1:{u} "), 1),
        (format!("sip:127.0.0.1:{u};lr"), 1),
        (format!("alice@127.0.0.1:{u}"), 1),
        (format!("sip:alice@127.0.0.1:{u}"), 1),
        // monitored (up or down: localhost may resolve to ::1, where nothing listens)
        (format!("localhost:{u}"), 0),
        (format!("sip:LOCALHOST:{u};transport=udp"), 0),
        (format!("127.0.0.1:{s}"), 2),
        (format!("sip:127.0.0.1:{s}"), 2),
        (format!("bob@127.0.0.1:{u}"), -1),
        (format!("sip:127.0.0.1:{u};transport=tcp"), -1),
        (format!("sips:127.0.0.1:{u}"), -1),
        ("127.0.0.1".to_string(), -1),
        ("tel:+12345".to_string(), -1),
    ];
    let mut route = String::from("request_route {\n");
    for (i, (f, _)) in forms.iter().enumerate() {
        route.push_str(&format!(
            "    ka_is_alive(\"{f}\"); $var(a) = $rc; $var(t) = \"{f}\"; ka_is_alive(\"$var(t)\"); \
             $var(b) = $rc; ka_is_alive($var(t) + \"\"); $var(c) = $rc; \
             $var(h) = $(var(t){{s.substr,0,1}}); $var(r) = $(var(t){{s.substr,1,0}}); \
             ka_is_alive(\"$var(h)$var(r)\"); $var(e) = $rc; \
             append_to_reply(\"X-F{i}: $var(a) $var(b) $var(c) $var(e)\\r\\n\");\n"
        ));
    }
    route.push_str("    sl_send_reply(\"200\", \"OK\");\n    exit;\n}\n");
    let params: String = dests
        .iter()
        .map(|d| format!("modparam(\"keepalive\", \"destination\", \"{d}\")\n"))
        .collect();
    let modules = format!("{}\n{params}", modules());
    let k = Kamailio::start(
        "ka-literal",
        Config {
            globals: "",
            modules: &modules,
            routes: &route,
        },
    );
    assert!(
        k.wait_log("ka_is_alive(\"tel:+12345\"): not a valid destination", 5),
        "an invalid literal is reported at start-up"
    );
    let mut c = SipTcp::connect(k.addr());
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut last = Vec::new();
    while Instant::now() < deadline {
        let r = c.request("forms", &[]);
        last = (0..forms.len())
            .map(|i| r.header(&format!("X-F{i}")).unwrap_or("").to_string())
            .collect();
        let ok = |want: i64, got: &str| match want {
            0 => got == "1 1 1 1" || got == "2 2 2 2",
            w => got == format!("{w} {w} {w} {w}"),
        };
        if forms.iter().zip(&last).all(|((_, w), got)| ok(*w, got)) {
            // the per-call fixup of the expression gave the core back the string it frees
            assert_eq!(k.log_count("free(0)"), 0, "{}", k.log_text());
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "literal / variable results per form: {:?}",
        forms.iter().map(|f| &f.0).zip(&last).collect::<Vec<_>>()
    );
}

/// ka_is_alive remembers in each process where it last found a value (or that it was
/// absent) while the table has not changed: the remembered answer follows additions and
/// deletions made in the same process and in others (RPC), for variable and literal
/// parameters, and stays right for more values than the process keeps.
#[test]
fn remembered_lookups_follow_adds_and_deletes() {
    let route = r#"
request_route {
    $var(d) = "10.9.8.7:5070";
    if ($rU == "same") {
        ka_is_alive("$var(d)"); $var(a0) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l0) = $rc;
        ka_add_destination("sip:10.9.8.7:5070", "t");
        ka_is_alive("$var(d)"); $var(a1) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l1) = $rc;
        ka_del_destination("sip:10.9.8.7:5070", "t");
        ka_is_alive("$var(d)"); $var(a2) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l2) = $rc;
        append_to_reply("X-R: $var(a0) $var(l0) $var(a1) $var(l1) $var(a2) $var(l2)\r\n");
    }
    if ($rU == "check") {
        ka_is_alive("$var(d)"); $var(a) = $rc; ka_is_alive("10.9.8.7:5070"); $var(l) = $rc;
        append_to_reply("X-R: $var(a) $var(l)\r\n");
    }
    if ($rU == "many") {
        # 40 values, half of them monitored, each asked three times in turn
        $var(bad) = 0; $var(r) = 0;
        while ($var(r) < 3) {
            $var(i) = 0;
            while ($var(i) < 40) {
                $var(v) = "10.9.0." + $var(i) + ":5060";
                ka_is_alive("$var(v)");
                if (($var(i) mod 2 == 0 && $rc != 1) || ($var(i) mod 2 == 1 && $rc != -1)) {
                    $var(bad) = $var(bad) + 1;
                }
                $var(i) = $var(i) + 1;
            }
            $var(r) = $var(r) + 1;
        }
        append_to_reply("X-R: $var(bad)\r\n");
    }
    sl_send_reply("200", "OK");
    exit;
}
"#;
    let params: String = (0..40)
        .step_by(2)
        .map(|i| format!("modparam(\"keepalive\", \"destination\", \"sip:10.9.0.{i}:5060\")\n"))
        .collect();
    let modules = format!(
        "{}\nmodparam(\"keepalive\", \"ping_interval\", 3600)\n{params}",
        modules()
    );
    let k = Kamailio::start(
        "ka-remember",
        Config {
            globals: "",
            modules: &modules,
            routes: route,
        },
    );
    // one TCP connection: every request runs in the same reader process
    let mut c = SipTcp::connect(k.addr());
    let r = |c: &mut SipTcp, op: &str| c.request(op, &[]).header("X-R").unwrap_or("").to_string();
    assert_eq!(
        r(&mut c, "same"),
        "-1 -1 1 1 -1 -1",
        "added and deleted in this process"
    );
    assert_eq!(r(&mut c, "check"), "-1 -1");
    k.rpc(&["keepalive.add", "sip:10.9.8.7:5070", "t"]).unwrap();
    assert_eq!(r(&mut c, "check"), "1 1", "added by the RPC process");
    k.rpc(&["keepalive.del", "sip:10.9.8.7:5070", "t"]).unwrap();
    assert_eq!(r(&mut c, "check"), "-1 -1", "deleted by the RPC process");
    assert_eq!(
        r(&mut c, "many"),
        "0",
        "wrong answers among 120 lookups of 40 values"
    );
}
