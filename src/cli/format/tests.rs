//! Behaviour of `--format` as docker users know it.

use serde::Serialize;
use serde_json::json;

use super::*;

const IMAGES_TABLE: &str = "table {{.ID}}\t{{.Repository}}\t{{.Tag}}";
const IMAGE_HEADERS: &[(&str, &str)] = &[
    ("ID", "IMAGE ID"),
    ("Repository", "REPOSITORY"),
    ("Tag", "TAG"),
];

fn images() -> Vec<serde_json::Value> {
    vec![
        json!({"ID": "0123456789ab", "Repository": "busybox", "Tag": "latest", "Size": 1234,
               "Labels": {"b": "2", "a": "1"}}),
        json!({"ID": "ffff", "Repository": "docker.io/library/alpine", "Tag": "3.20", "Size": 7,
               "Labels": {}}),
    ]
}

fn render(format: Option<&str>, items: &[serde_json::Value]) -> String {
    parse_format(format, IMAGES_TABLE)
        .and_then(|f| f.render(items, IMAGE_HEADERS))
        .unwrap_or_else(|e| format!("ERROR {e}"))
}

#[test]
fn no_format_renders_the_default_table_aligned_like_docker() {
    // Widths by hand: col 0 = len("0123456789ab") + 3 = 15,
    // col 1 = len("docker.io/library/alpine") + 3 = 27, TAG unpadded.
    let want = format!(
        "{:<15}{:<27}{}\n{:<15}{:<27}{}\n{:<15}{:<27}{}\n",
        "IMAGE ID",
        "REPOSITORY",
        "TAG",
        "0123456789ab",
        "busybox",
        "latest",
        "ffff",
        "docker.io/library/alpine",
        "3.20",
    );
    assert_eq!(render(None, &images()), want);
    assert_eq!(render(Some(""), &images()), want);
    assert_eq!(render(Some("table"), &images()), want);
}

#[test]
fn custom_table_takes_headers_from_the_callers_map_or_the_field_name() {
    let got = render(
        Some("table {{.ID}}\\t{{.Size}}\\t{{.CreatedSince}}"),
        &images()[..1],
    );
    // Size (4+3 < 10) and ID columns are 15 and 10 wide.
    let want = format!(
        "{:<15}{:<10}{}\n{:<15}{:<10}{}\n",
        "IMAGE ID", "SIZE", "CREATED SINCE", "0123456789ab", "1234", "<no value>"
    );
    assert_eq!(got, want);
}

#[test]
fn table_with_no_items_prints_only_the_header() {
    assert_eq!(
        render(Some("table {{.ID}}\t{{.Tag}}"), &[]),
        "IMAGE ID   TAG\n"
    );
}

#[test]
fn header_keeps_titles_intact_through_string_functions_but_pads() {
    let got = render(
        Some("table {{upper .Repository}}|{{pad .Tag 1 1}}|"),
        &images()[..1],
    );
    assert_eq!(got, "REPOSITORY| TAG |\nBUSYBOX| latest |\n");
}

#[test]
fn json_mode_prints_one_compact_sorted_object_per_line() {
    let got = render(Some("json"), &images());
    let want = concat!(
        r#"{"ID":"0123456789ab","Labels":{"a":"1","b":"2"},"Repository":"busybox","Size":1234,"Tag":"latest"}"#,
        "\n",
        r#"{"ID":"ffff","Labels":{},"Repository":"docker.io/library/alpine","Size":7,"Tag":"3.20"}"#,
        "\n"
    );
    assert_eq!(got, want);
}

#[test]
fn raw_template_runs_once_per_item_with_a_newline_each() {
    assert_eq!(
        render(Some("{{.Repository}}:{{.Tag}}"), &images()),
        "busybox:latest\ndocker.io/library/alpine:3.20\n"
    );
}

#[test]
fn escaped_tab_and_newline_in_user_formats_are_expanded_and_spaces_trimmed() {
    assert_eq!(
        render(Some("  {{.ID}}\\t{{.Tag}}\\n "), &images()[..1]),
        "0123456789ab\tlatest\n\n"
    );
    let fmt =
        parse_format(Some("table {{.ID}}\\t{{.Tag}}"), IMAGES_TABLE).map(|f| f.mode().clone());
    assert_eq!(
        fmt.ok(),
        Some(FormatMode::Table("{{.ID}}\t{{.Tag}}".to_string()))
    );
}

#[test]
fn modes_follow_dockers_prefix_rules() {
    let mode = |s| {
        parse_format(Some(s), IMAGES_TABLE)
            .map(|f| f.mode().clone())
            .ok()
    };
    assert_eq!(mode("json"), Some(FormatMode::Json));
    assert_eq!(mode(" json"), Some(FormatMode::Raw("json".to_string())));
    assert_eq!(
        mode("table{{.ID}}"),
        Some(FormatMode::Table("{{.ID}}".to_string()))
    );
    assert_eq!(
        mode("{{json .}}"),
        Some(FormatMode::Raw("{{json .}}".to_string()))
    );
    let default_without_prefix = parse_format(None, "{{.ID}}").map(|f| f.is_table()).ok();
    assert_eq!(default_without_prefix, Some(true));
}

#[test]
fn quiet_prints_ids_unless_a_custom_template_is_given() {
    let quiet = |user| {
        parse_format_quiet(user, IMAGES_TABLE, true)
            .and_then(|f| f.render(&images(), IMAGE_HEADERS))
            .unwrap_or_else(|e| e.to_string())
    };
    assert_eq!(quiet(None), "0123456789ab\nffff\n");
    assert_eq!(quiet(Some("table")), "0123456789ab\nffff\n");
    assert_eq!(quiet(Some("{{.Tag}}")), "latest\n3.20\n");
}

#[test]
fn json_function_is_compact_sorted_and_not_html_escaped() {
    let item = json!({"Name": "a<b>&c", "Labels": {"z": "1", "a": "2"}, "Size": 1234});
    assert_eq!(
        render(Some("{{json .}}"), std::slice::from_ref(&item)),
        "{\"Labels\":{\"a\":\"2\",\"z\":\"1\"},\"Name\":\"a<b>&c\",\"Size\":1234}\n"
    );
    assert_eq!(
        render(Some("{{json .Labels}} {{json .Missing}}"), &[item]),
        "{\"a\":\"2\",\"z\":\"1\"} null\n"
    );
}

#[test]
fn ranging_over_a_map_is_sorted_by_key() {
    let got = render(
        Some("{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}"),
        &images()[..1],
    );
    assert_eq!(got, "a=1 b=2 \n");
}

#[test]
fn index_reads_labels_and_missing_labels_are_empty() {
    let got = render(
        Some("[{{index .Labels \"b\"}}][{{index .Labels \"nope\"}}]"),
        &images(),
    );
    assert_eq!(got, "[2][]\n[][]\n");
}

#[test]
fn missing_fields_print_no_value_like_go_maps() {
    assert_eq!(
        render(Some("{{.Missing}}|{{.Missing.Deeper}}"), &images()[..1]),
        "<no value>|<no value>\n"
    );
}

#[test]
fn builtins_work_on_our_data() {
    let item = json!({"Name": "web", "ExitCode": 0, "Names": ["a", "b"], "Running": false});
    let got = render(
        Some(
            r#"{{printf "%s-%d" .Name 5}} {{len .Names}} {{if eq .ExitCode 0}}ok{{end}} {{if not .Running}}stopped{{end}} {{if and .Name (ne .Name "x")}}yes{{end}} {{slice .Name 1}}"#,
        ),
        &[item],
    );
    assert_eq!(got, "web-5 2 ok stopped yes eb\n");
}

#[test]
fn docker_string_functions_are_available() {
    let item = json!({"Name": "hello world", "Names": ["a", "b", "c"], "Csv": "x,y"});
    let got = render(
        Some(
            r#"{{upper .Name}}|{{lower "ABC"}}|{{title .Name}}|{{join .Names ", "}}|{{split .Csv ","}}|{{truncate .Name 5}}|{{pad "x" 1 2}}|{{index (split .Csv ",") 1}}"#,
        ),
        &[item],
    );
    assert_eq!(
        got,
        "HELLO WORLD|abc|Hello World|a, b, c|[x y]|hello| x  |y\n"
    );
}

#[test]
fn integers_print_without_a_fraction_and_floats_in_short_form() {
    #[derive(Serialize)]
    struct Row {
        size: u64,
        delta: i64,
        ratio: f64,
        whole: f64,
    }
    let rows = [Row {
        size: 1234,
        delta: -3,
        ratio: 0.25,
        whole: 2.0,
    }];
    let got = parse_format(
        Some("{{.size}} {{.delta}} {{.ratio}} {{.whole}} {{json .}}"),
        "",
    )
    .and_then(|f| f.render(&rows, &[]))
    .unwrap_or_else(|e| e.to_string());
    assert_eq!(
        got,
        "1234 -3 0.25 2 {\"delta\":-3,\"ratio\":0.25,\"size\":1234,\"whole\":2}\n"
    );
}

#[test]
fn bad_template_is_a_parse_error_with_dockers_wording() {
    let err = parse_format(Some("{{.ID"), IMAGES_TABLE).err();
    assert!(matches!(err, Some(FormatError::Parse(_))), "{err:?}");
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.starts_with("template parsing error: template:"),
        "{msg}"
    );
    // Caught at parse time, as Go does, so even an empty list reports it.
    let unknown = parse_format(
        Some("table {{.ID}}\\t{{if .X}}{{nosuchfunc .ID}}{{end}}"),
        IMAGES_TABLE,
    )
    .err();
    assert!(
        matches!(unknown, Some(FormatError::Parse(_))),
        "{unknown:?}"
    );
    let msg = unknown.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains(r#"1:20: function "nosuchfunc" not defined"#),
        "{msg}"
    );
}

#[test]
fn execution_failure_is_an_error_not_partial_output() {
    let got =
        parse_format(Some("{{.ID.Sub}}"), IMAGES_TABLE).and_then(|f| f.render(&images(), &[]));
    assert!(matches!(got, Err(FormatError::Execute(_))), "{got:?}");
}

#[test]
fn inspect_without_format_prints_an_indented_array_in_field_order() {
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Obj {
        Id: &'static str,
        Args: Vec<&'static str>,
    }
    let got = render_inspect(
        None,
        &[Obj {
            Id: "x<y",
            Args: vec![],
        }],
    )
    .unwrap_or_default();
    assert_eq!(
        got,
        "[\n    {\n        \"Id\": \"x<y\",\n        \"Args\": []\n    }\n]\n"
    );
    let none: [Obj; 0] = [];
    assert_eq!(render_inspect(None, &none).unwrap_or_default(), "[]\n");
    let compact = render_inspect(
        Some("json"),
        &[Obj {
            Id: "a",
            Args: vec!["b"],
        }],
    )
    .unwrap_or_default();
    assert_eq!(compact, "[{\"Id\":\"a\",\"Args\":[\"b\"]}]\n");
}

#[test]
fn inspect_template_runs_per_object_without_expanding_escapes() {
    let objs = [
        json!({"State": {"ExitCode": 3}, "Name": "/a"}),
        json!({"State": {"ExitCode": 0}, "Name": "/b"}),
    ];
    assert_eq!(
        render_inspect(Some("{{.State.ExitCode}}"), &objs).unwrap_or_default(),
        "3\n0\n"
    );
    assert_eq!(
        render_inspect(Some("{{.Name}}\\t"), &objs[..1]).unwrap_or_default(),
        "/a\\t\n"
    );
    let none: [serde_json::Value; 0] = [];
    assert_eq!(
        render_template_each("{{.Name}}", &none).unwrap_or_default(),
        "\n"
    );
    assert!(matches!(
        render_inspect(Some("{{"), &objs),
        Err(FormatError::Parse(_))
    ));
}

#[test]
fn header_names_come_from_template_fields() {
    assert_eq!(
        referenced_fields("{{.State.Status}} {{$.Name}} {{$x.No}} {{(.A).B}}"),
        ["State", "Name", "A"]
    );
    assert_eq!(default_header("CreatedSince"), "CREATED SINCE");
    assert_eq!(default_header("IPAddress"), "IP ADDRESS");
    assert_eq!(default_header("ID"), "ID");
    assert_eq!(default_header("Size"), "SIZE");
}
