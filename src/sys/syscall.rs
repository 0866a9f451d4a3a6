//! The system call instruction, with the kernel's error convention turned into a `Result`.
//!
//! On x86_64 the call is made with inline assembly, so no libc wrapper (which could be ourselves under
//! `LD_PRELOAD`) is involved and nothing costs more than glibc's own wrapper.

use super::errno::Errno;

/// A system call's raw return value: a result, or `-errno` in `-4095..=-1`.
pub type RawResult = isize;

/// Turns the kernel's raw return value into `Ok(value)` or `Err(errno)`.
#[inline(always)]
pub fn check(raw: RawResult) -> Result<usize, Errno> {
    if (-4095..0).contains(&raw) {
        Err(Errno(-raw as i32))
    } else {
        Ok(raw as usize)
    }
}

/// Makes system call `number` with six arguments (unused ones are ignored by the kernel).
///
/// # Safety
/// The arguments must be valid for the system call: pointers the kernel writes through must point to
/// writable memory of the size the call is told, or the call's effect is undefined behaviour in Rust's
/// terms (the kernel itself only returns `EFAULT` for unmapped memory).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn syscall6(
    number: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> RawResult {
    let ret: isize;
    // SAFETY: the x86_64 Linux system call convention: number in rax, arguments in rdi, rsi, rdx, r10,
    // r8, r9; the kernel clobbers rcx and r11 and returns in rax. The caller vouches for the arguments.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") number as isize => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            in("r10") a4,
            in("r8") a5,
            in("r9") a6,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// Makes system call `number` with six arguments, through glibc's `syscall()` (not one of ours).
///
/// # Safety
/// As for the x86_64 version.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub unsafe fn syscall6(
    number: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> RawResult {
    // SAFETY: the caller vouches for the arguments; `syscall` returns -1 and sets errno on failure,
    // which is turned back into the kernel's convention.
    unsafe {
        let ret = libc::syscall(number as libc::c_long, a1, a2, a3, a4, a5, a6) as isize;
        if ret == -1 {
            -(*libc::__errno_location() as isize)
        } else {
            ret
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn getpid_matches_std() {
        // SAFETY: getpid takes no arguments.
        let pid = check(unsafe { syscall6(libc::SYS_getpid as usize, 0, 0, 0, 0, 0, 0) });
        assert_eq!(pid, Ok(std::process::id() as usize));
    }

    #[test]
    fn bad_fd_is_ebadf() {
        // SAFETY: close of an fd that cannot be open has no effect besides the error.
        let r = check(unsafe { syscall6(libc::SYS_close as usize, 999_999, 0, 0, 0, 0, 0) });
        assert_eq!(r, Err(Errno(libc::EBADF)));
    }
}
