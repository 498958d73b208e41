//! A small classic-BPF assembler with forward labels.
//!
//! Conditional jumps in classic BPF reach at most 255 instructions ahead;
//! `ja` reaches anywhere forward. Code is written against labels and
//! [`Asm::assemble`] lays it out, routing any conditional branch that falls
//! too far through a `ja` placed right after the jump.

use super::SeccompError;

pub(super) const LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
pub(super) const ALU_AND_K: u16 = (libc::BPF_ALU | libc::BPF_AND | libc::BPF_K) as u16;
pub(super) const JMP_JA: u16 = (libc::BPF_JMP | libc::BPF_JA) as u16;
pub(super) const JMP_JEQ_K: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
pub(super) const JMP_JGT_K: u16 = (libc::BPF_JMP | libc::BPF_JGT | libc::BPF_K) as u16;
pub(super) const JMP_JGE_K: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
pub(super) const RET_K: u16 = (libc::BPF_RET | libc::BPF_K) as u16;

/// A position in the program, bound once with [`Asm::bind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Label(usize);

enum Item {
    Stmt {
        code: u16,
        k: u32,
    },
    Jump {
        code: u16,
        k: u32,
        jt: Label,
        jf: Label,
        far_t: bool,
        far_f: bool,
    },
    Ja(Label),
    Bind(Label),
}

impl Item {
    fn size(&self) -> usize {
        match self {
            Item::Stmt { .. } | Item::Ja(_) => 1,
            Item::Jump { far_t, far_f, .. } => 1 + usize::from(*far_t) + usize::from(*far_f),
            Item::Bind(_) => 0,
        }
    }
}

#[derive(Default)]
pub(super) struct Asm {
    items: Vec<Item>,
    labels: usize,
}

impl Asm {
    pub(super) fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    pub(super) fn bind(&mut self, label: Label) {
        self.items.push(Item::Bind(label));
    }

    pub(super) fn stmt(&mut self, code: u16, k: u32) {
        self.items.push(Item::Stmt { code, k });
    }

    pub(super) fn ret(&mut self, k: u32) {
        self.stmt(RET_K, k);
    }

    pub(super) fn load(&mut self, offset: u32) {
        self.stmt(LD_W_ABS, offset);
    }

    pub(super) fn jump(&mut self, code: u16, k: u32, jt: Label, jf: Label) {
        self.items.push(Item::Jump {
            code,
            k,
            jt,
            jf,
            far_t: false,
            far_f: false,
        });
    }

    pub(super) fn ja(&mut self, target: Label) {
        self.items.push(Item::Ja(target));
    }

    /// Lays the program out and encodes it. Fails on a label that is unbound
    /// or behind its jump (both are compiler bugs: BPF only jumps forward).
    pub(super) fn assemble(mut self) -> Result<Vec<libc::sock_filter>, SeccompError> {
        // Marking a jump far only grows the program, so this reaches a fixpoint.
        let positions = loop {
            let positions = self.layout()?;
            let mut changed = false;
            let mut pc = 0;
            for item in &mut self.items {
                let size = item.size();
                if let Item::Jump {
                    jt,
                    jf,
                    far_t,
                    far_f,
                    ..
                } = item
                {
                    let next = pc + 1;
                    if !*far_t && offset(&positions, *jt, next)? > 255 {
                        *far_t = true;
                        changed = true;
                    }
                    if !*far_f && offset(&positions, *jf, next)? > 255 {
                        *far_f = true;
                        changed = true;
                    }
                }
                pc += size;
            }
            if !changed {
                break positions;
            }
        };

        let mut out = Vec::new();
        for item in &self.items {
            let pc = out.len();
            match *item {
                Item::Bind(_) => {}
                Item::Stmt { code, k } => out.push(insn(code, 0, 0, k)),
                Item::Ja(target) => {
                    out.push(insn(JMP_JA, 0, 0, offset(&positions, target, pc + 1)?));
                }
                Item::Jump {
                    code,
                    k,
                    jt,
                    jf,
                    far_t,
                    far_f,
                } => {
                    let next = pc + 1;
                    // A far branch lands on its own `ja`, placed right after the jump.
                    let t = if far_t {
                        0
                    } else {
                        short(offset(&positions, jt, next)?)?
                    };
                    let f = if far_f {
                        u8::from(far_t)
                    } else {
                        short(offset(&positions, jf, next)?)?
                    };
                    out.push(insn(code, t, f, k));
                    if far_t {
                        let at = out.len() + 1;
                        out.push(insn(JMP_JA, 0, 0, offset(&positions, jt, at)?));
                    }
                    if far_f {
                        let at = out.len() + 1;
                        out.push(insn(JMP_JA, 0, 0, offset(&positions, jf, at)?));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The instruction index of every label under the current far flags.
    fn layout(&self) -> Result<Vec<usize>, SeccompError> {
        let mut positions = vec![usize::MAX; self.labels];
        let mut pc = 0;
        for item in &self.items {
            if let Item::Bind(Label(id)) = item {
                let slot = positions
                    .get_mut(*id)
                    .ok_or(SeccompError::Internal("label out of range"))?;
                *slot = pc;
            }
            pc += item.size();
        }
        Ok(positions)
    }
}

/// The jump offset from instruction `from` (the one after the jump) to `target`.
fn offset(positions: &[usize], target: Label, from: usize) -> Result<u32, SeccompError> {
    let at = *positions
        .get(target.0)
        .ok_or(SeccompError::Internal("label out of range"))?;
    if at == usize::MAX {
        return Err(SeccompError::Internal("jump to an unbound label"));
    }
    let distance = at
        .checked_sub(from)
        .ok_or(SeccompError::Internal("backward jump"))?;
    u32::try_from(distance).map_err(|_| SeccompError::Internal("jump too long"))
}

fn short(offset: u32) -> Result<u8, SeccompError> {
    u8::try_from(offset).map_err(|_| SeccompError::Internal("short jump out of range"))
}

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}
