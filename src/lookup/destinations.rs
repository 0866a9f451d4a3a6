//! The addresses of one getaddrinfo result, held inline while there are at most two (a literal, the
//! wildcard or loopback pair): the common calls then allocate nothing besides the C nodes.

use std::ops::{Deref, DerefMut};

use super::sources::Destination;

const INLINE: usize = 2;

/// A list of destinations: inline up to two, on the heap beyond.
#[derive(Clone, Debug)]
pub struct Destinations {
    /// Holds every destination once there are more than `INLINE`.
    heap: Vec<Destination>,
    inline_len: usize,
    slots: [Destination; INLINE],
}

impl Destinations {
    #[inline]
    pub const fn new() -> Destinations {
        Destinations {
            heap: Vec::new(),
            inline_len: 0,
            slots: [Destination::UNSPECIFIED; INLINE],
        }
    }

    #[inline]
    pub fn push(&mut self, destination: Destination) {
        if self.heap.is_empty() {
            if let Some(slot) = self.slots.get_mut(self.inline_len) {
                slot.set(destination);
                self.inline_len += 1;
                return;
            }
        }
        self.push_to_heap(destination);
    }

    /// Moves the inline destinations to the heap, the first time, and adds `destination` there.
    #[inline(never)]
    fn push_to_heap(&mut self, destination: Destination) {
        if self.heap.is_empty() {
            self.heap.extend_from_slice(&self.slots[..self.inline_len]);
        }
        self.heap.push(destination);
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Destination) -> bool) {
        let kept: Destinations = self.iter().copied().filter(|d| keep(d)).collect();
        *self = kept;
    }
}

impl Default for Destinations {
    fn default() -> Destinations {
        Destinations::new()
    }
}

impl Deref for Destinations {
    type Target = [Destination];

    #[inline]
    fn deref(&self) -> &[Destination] {
        if self.heap.is_empty() {
            &self.slots[..self.inline_len]
        } else {
            &self.heap
        }
    }
}

impl DerefMut for Destinations {
    #[inline]
    fn deref_mut(&mut self) -> &mut [Destination] {
        if self.heap.is_empty() {
            &mut self.slots[..self.inline_len]
        } else {
            &mut self.heap
        }
    }
}

impl Extend<Destination> for Destinations {
    fn extend<I: IntoIterator<Item = Destination>>(&mut self, items: I) {
        items.into_iter().for_each(|d| self.push(d));
    }
}

impl FromIterator<Destination> for Destinations {
    fn from_iter<I: IntoIterator<Item = Destination>>(items: I) -> Destinations {
        let mut list = Destinations::new();
        list.extend(items);
        list
    }
}

impl PartialEq for Destinations {
    fn eq(&self, other: &Destinations) -> bool {
        **self == **other
    }
}

impl Eq for Destinations {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn destination(last: u8) -> Destination {
        Destination::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)))
    }

    #[test]
    fn grows_from_inline_to_heap_keeping_order() {
        let mut list = Destinations::new();
        for last in 1..=5 {
            list.push(destination(last));
            assert_eq!(list.len(), last as usize);
        }
        let expected: Vec<Destination> = (1..=5).map(destination).collect();
        assert_eq!(&*list, expected.as_slice());
        list.retain(|d| *d != destination(2));
        assert_eq!(list.len(), 4);
        assert_eq!(list[1], destination(3));
    }
}
