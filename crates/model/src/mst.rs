//! The best dependency tree under arc scores: Chu-Liu-Edmonds' maximum spanning arborescence
//! (non-projective trees allowed, as in UD), with exactly one word attached to the root.

/// Sentences up to this many words get the exact best one-rooted tree (one search per word);
/// longer ones try only the words the unconstrained best tree attaches to the root.
pub const EXACT_ROOT_SEARCH: usize = 50;

/// The heads of the best tree: `scores[d][h]` is the score of word `d + 1` taking node `h` as
/// its head (node 0 is the root, word `k` is node `k`), for `n` words and `n + 1` nodes. Returns
/// each word's head, `0` for the one word attached to the root. Scores are added, so pass log
/// probabilities. O(n^3) per candidate root word tried; candidates whose bound cannot beat the
/// best tree found are not tried.
pub fn best_tree(scores: &[Vec<f32>]) -> Vec<usize> {
    let n = scores.len();
    if n == 0 {
        return vec![];
    }
    // weight[h][d] over nodes, the root (0) taking no head.
    let mut weight = vec![vec![f64::NEG_INFINITY; n + 1]; n + 1];
    for (d, row) in scores.iter().enumerate() {
        for (h, &s) in row.iter().enumerate().take(n + 1) {
            if h != d + 1 {
                weight[h][d + 1] = f64::from(s);
            }
        }
    }
    let free = arborescence(&weight);
    let root_children: Vec<usize> = (1..=n).filter(|&d| free[d] == 0).collect();
    if root_children.len() <= 1 {
        return free[1..].to_vec();
    }
    // One root child: the best tree among those where only `r` may attach to the root, over
    // every word in sentences up to EXACT_ROOT_SEARCH words (exact), else over the words the
    // unconstrained tree attaches to the root.
    let candidates: Vec<usize> = if n <= EXACT_ROOT_SEARCH {
        (1..=n).collect()
    } else {
        root_children
    };
    // A tree rooted at r scores at most the best non-root head of every other word plus r's
    // root arc: candidates are tried from the highest such bound down, and the search stops at
    // the first bound no better than the best tree found (exact: nothing after it can win).
    let best_in: Vec<f64> = (0..=n)
        .map(|d| {
            (1..=n)
                .filter(|&h| h != d)
                .map(|h| weight[h][d])
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let all_in: f64 = best_in[1..].iter().sum();
    let mut bounded: Vec<(f64, usize)> = candidates
        .iter()
        .map(|&r| (all_in - best_in[r] + weight[0][r], r))
        .collect();
    bounded.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut best: Option<(f64, Vec<usize>)> = None;
    for &(bound, r) in &bounded {
        if matches!(&best, Some((t, _)) if bound <= *t) {
            break;
        }
        let mut w = weight.clone();
        for (d, row) in w[0].iter_mut().enumerate() {
            if d != r {
                *row = f64::NEG_INFINITY;
            }
        }
        let heads = arborescence(&w);
        let total: f64 = (1..=n).map(|d| weight[heads[d]][d]).sum();
        if !matches!(&best, Some((t, _)) if total <= *t) {
            best = Some((total, heads));
        }
    }
    best.map(|(_, heads)| heads[1..].to_vec())
        .unwrap_or_default()
}

/// Chu-Liu-Edmonds on a dense graph: `w[h][d]` is the weight of arc h -> d (negative infinity
/// where there is none), node 0 the root. Returns the head of every node (`0` for the root
/// itself).
fn arborescence(w: &[Vec<f64>]) -> Vec<usize> {
    let m = w.len();
    let mut head = vec![0usize; m];
    for d in 1..m {
        let mut best = f64::NEG_INFINITY;
        for (h, row) in w.iter().enumerate() {
            if h != d && row[d] > best {
                best = row[d];
                head[d] = h;
            }
        }
    }
    let Some(cycle) = find_cycle(&head) else {
        return head;
    };
    let in_cycle: Vec<bool> = (0..m).map(|v| cycle.contains(&v)).collect();
    let cycle_weight: f64 = cycle.iter().map(|&v| w[head[v]][v]).sum();
    // The contracted graph: nodes outside the cycle keep their order, the cycle becomes the last.
    let outside: Vec<usize> = (0..m).filter(|&v| !in_cycle[v]).collect();
    let c = outside.len();
    let mut small = vec![vec![f64::NEG_INFINITY; c + 1]; c + 1];
    // For an arc into the cycle from u: which cycle node it enters. Out of the cycle to v: from which.
    let mut enters = vec![0usize; c + 1];
    let mut leaves = vec![0usize; c + 1];
    for (i, &u) in outside.iter().enumerate() {
        for (j, &v) in outside.iter().enumerate() {
            small[i][j] = w[u][v];
        }
        for &v in &cycle {
            let gain = w[u][v] - w[head[v]][v] + cycle_weight;
            if gain > small[i][c] {
                small[i][c] = gain;
                enters[i] = v;
            }
        }
        for &x in &cycle {
            if w[x][u] > small[c][i] {
                small[c][i] = w[x][u];
                leaves[i] = x;
            }
        }
    }
    let contracted = arborescence(&small);
    let mut out = head.clone();
    for (j, &v) in outside.iter().enumerate().skip(1) {
        out[v] = if contracted[j] == c {
            leaves[j]
        } else {
            outside[contracted[j]]
        };
    }
    let from = contracted[c];
    out[enters[from]] = outside[from];
    out
}

/// A cycle among the heads (every node but the root has one), as its nodes.
fn find_cycle(head: &[usize]) -> Option<Vec<usize>> {
    let m = head.len();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; m];
    state[0] = 2;
    for start in 1..m {
        let mut path = Vec::new();
        let mut v = start;
        while state[v] == 0 {
            state[v] = 1;
            path.push(v);
            v = head[v];
        }
        if state[v] == 1 {
            let at = path.iter().position(|&p| p == v).unwrap_or(0);
            return Some(path[at..].to_vec());
        }
        for p in path {
            state[p] = 2;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores from a list of (dependent, head, score) arcs, the rest very low.
    fn scores(n: usize, arcs: &[(usize, usize, f32)]) -> Vec<Vec<f32>> {
        let mut s = vec![vec![-100.0; n + 1]; n];
        for &(d, h, v) in arcs {
            s[d - 1][h] = v;
        }
        s
    }

    fn is_tree(heads: &[usize]) -> bool {
        let mut h = vec![0];
        h.extend(heads);
        find_cycle(&h).is_none() && heads.iter().filter(|&&x| x == 0).count() == 1
    }

    #[test]
    fn the_best_head_of_each_word_when_they_form_a_tree() {
        let s = scores(3, &[(1, 2, -0.1), (2, 0, -0.1), (3, 2, -0.2)]);
        assert_eq!(best_tree(&s), [2, 0, 2]);
    }

    #[test]
    fn a_cycle_is_broken_where_it_costs_least() {
        // 1 and 2 prefer each other; 2 -> root is cheaper to take than 1 -> root.
        let s = scores(
            3,
            &[
                (1, 2, -0.1),
                (2, 1, -0.1),
                (2, 0, -0.5),
                (1, 0, -3.0),
                (3, 1, -0.1),
            ],
        );
        assert_eq!(best_tree(&s), [2, 0, 1]);
    }

    #[test]
    fn only_one_word_is_attached_to_the_root() {
        let s = scores(
            3,
            &[
                (1, 0, -0.1),
                (2, 0, -0.2),
                (3, 0, -0.1),
                (2, 1, -1.0),
                (3, 1, -2.0),
            ],
        );
        let heads = best_tree(&s);
        assert!(is_tree(&heads), "{heads:?}");
        assert_eq!(heads, [0, 1, 1]);
    }

    #[test]
    fn random_scores_always_give_one_rooted_tree_and_the_best_one_for_small_sentences() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as f32 / (1u64 << 31) as f32) * -5.0
        };
        for n in 1..=6 {
            for _ in 0..50 {
                let s: Vec<Vec<f32>> = (0..n).map(|_| (0..=n).map(|_| next()).collect()).collect();
                let heads = best_tree(&s);
                assert!(is_tree(&heads), "{heads:?}");
                // Against every head assignment that is a one-rooted tree.
                let total = |h: &[usize]| h.iter().enumerate().map(|(d, &x)| s[d][x]).sum::<f32>();
                let mut best = f32::NEG_INFINITY;
                let mut assign = vec![0usize; n];
                loop {
                    if assign.iter().enumerate().all(|(d, &h)| h != d + 1) && is_tree(&assign) {
                        best = best.max(total(&assign));
                    }
                    let mut k = 0;
                    while k < n {
                        assign[k] += 1;
                        if assign[k] <= n {
                            break;
                        }
                        assign[k] = 0;
                        k += 1;
                    }
                    if k == n {
                        break;
                    }
                }
                assert!(
                    (total(&heads) - best).abs() < 1e-4,
                    "n={n}: {} < {best}",
                    total(&heads)
                );
            }
        }
    }
}
