use std::path::{Path, PathBuf};

use super::translate::{translate, Context, Siblings};
use super::*;

fn ctx() -> Context {
    Context {
        berth: vec!["/usr/bin/berth".into()],
        requires_mounts: vec!["/var/lib/berth".into(), "/run/berth".into()],
    }
}

fn siblings(files: &[(&str, &str)]) -> Siblings {
    files
        .iter()
        .map(|(name, text)| {
            let path = PathBuf::from("/q").join(name);
            (
                name.to_string(),
                UnitFile::parse(&path, text).expect("valid unit"),
            )
        })
        .collect()
}

fn one(files: &[(&str, &str)], name: &str) -> Result<Generated, GenerateError> {
    let s = siblings(files);
    let unit = s.get(name).expect("present");
    translate(unit, name, &s, &ctx())
}

#[test]
fn a_container_uses_its_volume_and_network_units() {
    let files = [
        (
            "web.container",
            "[Unit]\nDescription=web\n[Container]\nImage=busybox\nExec=httpd -f -p 80\nVolume=data.volume:/data:ro\nVolume=/srv:/srv\nNetwork=net.network\nPublishPort=8080:80\nEnvironment=A=1 \"B=two words\"\nLabel=app=web\nAddCapability=NET_ADMIN SYS_TIME\nReadOnly=true\n[Service]\nRestart=always\n[Install]\nWantedBy=multi-user.target default.target\n",
        ),
        ("data.volume", "[Volume]\nVolumeName=webdata\n"),
        ("net.network", "[Network]\n"),
    ];
    let g = one(&files, "web.container").expect("translates");
    assert_eq!(g.service, "web.service");
    assert_eq!(
        g.links,
        vec![
            "multi-user.target.wants/web.service",
            "default.target.wants/web.service"
        ]
    );
    let expected = "[Unit]
Description=web
SourcePath=/q/web.container
RequiresMountsFor=/var/lib/berth /run/berth
Wants=network-online.target
After=network-online.target
Requires=data-volume.service
After=data-volume.service
Requires=net-network.service
After=net-network.service

[Service]
Environment=BERTH_SYSTEMD_UNIT=%n
KillMode=mixed
ExecStop=/usr/bin/berth rm -v -f -i --cidfile=%t/%N.cid
ExecStopPost=-/usr/bin/berth rm -v -f -i --cidfile=%t/%N.cid
Delegate=yes
Type=notify
NotifyAccess=all
SyslogIdentifier=%N
";
    assert!(g.text.starts_with(expected), "got:\n{}", g.text);
    let exec = g
        .text
        .lines()
        .find(|l| l.starts_with("ExecStart="))
        .expect("ExecStart");
    assert_eq!(
        exec,
        "ExecStart=/usr/bin/berth run --name systemd-web --cidfile=%t/%N.cid --replace --rm --cgroups=split --sdnotify=conmon -d -v webdata:/data:ro -v /srv:/srv --network=systemd-net --env A=1 --env \"B=two words\" --publish 8080:80 --label app=web --cap-add NET_ADMIN --cap-add SYS_TIME --read-only busybox httpd -f -p 80"
    );
    assert!(g
        .text
        .contains("Restart=always\n\n[Install]\nWantedBy=multi-user.target default.target\n"));
}

#[test]
fn volume_and_network_units_create_with_ignore() {
    let files = [
        (
            "data.volume",
            "[Volume]\nLabel=a=1\nDevice=tmpfs\nType=tmpfs\nOptions=size=10m\n",
        ),
        (
            "net.network",
            "[Network]\nNetworkName=backend\nSubnet=10.89.0.0/24\nGateway=10.89.0.1\nInternal=yes\n",
        ),
    ];
    let v = one(&files, "data.volume").expect("volume");
    assert_eq!(v.service, "data-volume.service");
    assert!(v.text.contains("ExecStart=/usr/bin/berth volume create --ignore --label a=1 --opt type=tmpfs --opt device=tmpfs --opt o=size=10m systemd-data\nType=oneshot\nRemainAfterExit=yes\n"), "{}", v.text);
    let n = one(&files, "net.network").expect("network");
    assert_eq!(n.service, "net-network.service");
    assert!(n.text.contains("ExecStart=/usr/bin/berth network create --ignore --subnet 10.89.0.0/24 --gateway 10.89.0.1 --internal backend\n"), "{}", n.text);
}

#[test]
fn user_service_keys_replace_generated_ones() {
    let g = one(
        &[(
            "a.container",
            "[Container]\nImage=x\nNotify=true\nUser=1000\nGroup=100\n[Service]\nKillMode=control-group\nEnvironment=X=1\n",
        )],
        "a.container",
    )
    .expect("translates");
    assert_eq!(g.text.matches("KillMode=").count(), 1);
    assert!(g.text.contains("KillMode=control-group"));
    assert!(g.text.contains("Environment=BERTH_SYSTEMD_UNIT=%n\n"));
    assert!(g.text.contains("Environment=X=1\n"));
    assert!(g.text.contains("--sdnotify=container"));
    assert!(g.text.contains("--user 1000:100"));
}

#[test]
fn bad_files_name_the_key_and_line() {
    let err = one(
        &[("a.container", "[Container]\nImage=x\n\nFrobnicate=yes\n")],
        "a.container",
    )
    .expect_err("unknown key");
    let msg = err.to_string();
    assert!(msg.contains("/q/a.container:4"), "{msg}");
    assert!(msg.contains("Frobnicate"), "{msg}");
    assert!(one(
        &[("b.container", "[Container]\nExec=true\n")],
        "b.container"
    )
    .is_err());
    assert!(one(&[("c.container", "[Unit]\n")], "c.container").is_err());
}

#[test]
fn unit_dirs_follow_quadlet_unit_dirs() {
    // Only this test sets the variable in the unit-test process.
    std::env::set_var("QUADLET_UNIT_DIRS", "/a:/b");
    let dirs = unit_dirs(false);
    std::env::remove_var("QUADLET_UNIT_DIRS");
    assert_eq!(dirs, vec![Path::new("/a"), Path::new("/b")]);
}
