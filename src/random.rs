//! Random numbers for seeds and instance ids (not for cryptography).

/// 8 bytes from `/dev/urandom`.
pub fn try_u64() -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))?;
    Ok(u64::from_le_bytes(b))
}

/// [`try_u64`], or the clock mixed with the process id where `/dev/urandom` cannot be read.
pub fn u64() -> u64 {
    try_u64().unwrap_or_else(|_| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        t ^ (u64::from(std::process::id()) << 32)
    })
}
