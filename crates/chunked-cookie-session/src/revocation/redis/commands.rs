//! What the writer sends Redis: a revocation written then announced, a device record with
//! its lifetime and the subject's cap, and the two registry calls (a subject's devices,
//! revoking one of them by id). Each builds a pipeline or runs on the writer's connection.

use redis::{Connection, Pipeline, RedisResult, cmd, pipe};

use super::super::clock::now_secs;
use super::super::identity::SessionId;
use super::super::mirror::Revoke;
use super::super::registry::{Device, newest_first};
use super::super::stats::bump;
use super::shared::Shared;
use super::wire::{EVERYONE_MEMBER, StoredDevice, message};

/// Adds a revocation to a pipeline: written first, then announced.
pub(super) fn add_write(pipeline: &mut Pipeline, shared: &Shared, revoke: &Revoke) {
    let keys = &shared.settings.keys;
    match revoke {
        Revoke::Session { id, until } => {
            pipeline
                .cmd("ZADD")
                .arg(&keys.ids)
                .arg("GT")
                .arg(*until)
                .arg(id.to_string())
                .ignore();
        }
        Revoke::Subject { subject, epoch } => {
            let until = (epoch / 1_000_000).saturating_add(shared.settings.lifetime_secs);
            pipeline
                .cmd("ZADD")
                .arg(&keys.subjects)
                .arg("GT")
                .arg(*epoch)
                .arg(subject.as_ref())
                .ignore()
                .cmd("ZADD")
                .arg(&keys.subjects_until)
                .arg("GT")
                .arg(until)
                .arg(subject.as_ref())
                .ignore();
        }
        Revoke::Everyone { epoch } => {
            pipeline
                .cmd("ZADD")
                .arg(&keys.everyone)
                .arg("GT")
                .arg(*epoch)
                .arg(EVERYONE_MEMBER)
                .ignore();
        }
    }
    pipeline
        .cmd("PUBLISH")
        .arg(&keys.channel)
        .arg(message(revoke))
        .ignore();
}

/// Adds a device record to a pipeline: the record expires with its session, the subject's
/// set with its newest session, and the set keeps the `cap` most recently seen.
pub(super) fn add_record(
    pipeline: &mut Pipeline,
    shared: &Shared,
    subject: &str,
    device: &Device,
    cap: Option<usize>,
) {
    let keys = &shared.settings.keys;
    let Ok(record) = serde_json::to_string(&StoredDevice::new(subject, device)) else {
        return;
    };
    let set = keys.devices(subject);
    let id = device.session_id.to_string();
    let keep = i64::try_from(cap.unwrap_or(1)).unwrap_or(i64::MAX);
    pipeline
        .cmd("SET")
        .arg(keys.device(device.session_id))
        .arg(record)
        .arg("EXAT")
        .arg(device.expires_at)
        .ignore()
        .cmd("ZADD")
        .arg(&set)
        .arg(device.last_seen)
        .arg(&id)
        .ignore()
        .cmd("EXPIREAT")
        .arg(&set)
        .arg(device.expires_at)
        .arg("NX")
        .ignore()
        .cmd("EXPIREAT")
        .arg(&set)
        .arg(device.expires_at)
        .arg("GT")
        .ignore()
        .cmd("ZREMRANGEBYRANK")
        .arg(&set)
        .arg(0)
        .arg(-keep - 1)
        .ignore();
}

/// The subject's devices from Redis, without the expired and revoked ones; records that
/// went (expired, or pushed out by the cap) leave the subject's set.
pub(super) fn list(
    shared: &Shared,
    con: &mut Connection,
    subject: &str,
) -> RedisResult<Vec<Device>> {
    let keys = &shared.settings.keys;
    let set = keys.devices(subject);
    let members: Vec<Vec<u8>> = cmd("ZRANGE").arg(&set).arg(0).arg(-1).query(con)?;
    let mut gone = Vec::new();
    let mut listed = Vec::new();
    for member in members {
        match std::str::from_utf8(&member)
            .ok()
            .and_then(|text| text.parse().ok())
        {
            Some(id) => listed.push((member, id)),
            None => gone.push(member),
        }
    }
    let records: Vec<Option<Vec<u8>>> = if listed.is_empty() {
        Vec::new()
    } else {
        let mut mget = cmd("MGET");
        for (_, id) in &listed {
            mget.arg(keys.device(*id));
        }
        mget.query(con)?
    };
    let now = now_secs();
    let mut devices = Vec::new();
    for ((member, id), record) in listed.into_iter().zip(records) {
        let device = record.and_then(|record| {
            let stored: StoredDevice = serde_json::from_slice(&record).ok()?;
            (stored.subject == subject && stored.expires_at >= now).then(|| stored.into_device(id))
        });
        match device {
            Some(device) => {
                let revoked = device
                    .identity(subject)
                    .is_none_or(|identity| shared.mirror.revoked(&identity).is_some());
                if !revoked {
                    devices.push(device);
                }
            }
            None => gone.push(member),
        }
    }
    if !gone.is_empty() {
        let _: RedisResult<()> = cmd("ZREM").arg(&set).arg(gone).query(con);
    }
    newest_first(&mut devices, usize::MAX);
    Ok(devices)
}

/// Revokes one of the subject's sessions by id: `false` unless the subject's set lists it.
pub(super) fn revoke_device(
    shared: &Shared,
    con: &mut Connection,
    subject: &str,
    id: SessionId,
) -> RedisResult<bool> {
    let keys = &shared.settings.keys;
    let set = keys.devices(subject);
    let member = id.to_string();
    let (score, record): (Option<String>, Option<Vec<u8>>) = pipe()
        .cmd("ZSCORE")
        .arg(&set)
        .arg(&member)
        .cmd("GET")
        .arg(keys.device(id))
        .query(con)?;
    let stored = record
        .filter(|_| score.is_some())
        .and_then(|record| serde_json::from_slice::<StoredDevice>(&record).ok())
        .filter(|stored| stored.subject == subject);
    let Some(stored) = stored else {
        return Ok(false);
    };
    let now = now_secs();
    let revoke = Revoke::Session {
        id,
        until: shared.mirror.keep_until(stored.expires_at, now),
    };
    let mut pipeline = pipe();
    add_write(&mut pipeline, shared, &revoke);
    pipeline
        .cmd("ZREM")
        .arg(&set)
        .arg(&member)
        .ignore()
        .cmd("DEL")
        .arg(keys.device(id))
        .ignore();
    pipeline.query::<()>(con)?;
    if shared.mirror.apply(&revoke, now) {
        bump(&shared.counters.applied);
    }
    Ok(true)
}
