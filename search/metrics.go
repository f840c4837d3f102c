package search

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
)

// Judgement is one judged query.
type Judgement struct {
	Query string `json:"query"`
	Kind  string `json:"kind"` // japanese, kana, english, typo, multiword, place, synonym, era
	// Relevant grades document ids ("dataset:<slug>", "record:<slug>:<row>"):
	// 3 exactly what was meant, 2 clearly relevant, 1 somewhat relevant.
	// Ids not listed are not relevant.
	Relevant map[string]int `json:"relevant"`
}

// LoadJudgements reads a judged set: a JSON array of Judgement. It returns an
// error when the file cannot be read or parsed, or when a judgement has no
// query or kind, no relevant id, or a grade outside 1..3.
func LoadJudgements(path string) ([]Judgement, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("judged set: %w", err)
	}
	var js []Judgement
	if err := json.Unmarshal(b, &js); err != nil {
		return nil, fmt.Errorf("judged set %s: %w", path, err)
	}
	for i, j := range js {
		if j.Query == "" || j.Kind == "" {
			return nil, fmt.Errorf("judged set %s: judgement %d has no query or kind", path, i+1)
		}
		if len(j.Relevant) == 0 {
			return nil, fmt.Errorf("judged set %s: query %q has no relevant id", path, j.Query)
		}
		for id, g := range j.Relevant {
			if g < 1 || g > 3 {
				return nil, fmt.Errorf("judged set %s: query %q: grade %d of %s is not 1, 2 or 3", path, j.Query, g, id)
			}
		}
	}
	return js, nil
}

// NDCG returns nDCG@k of a ranked list of doc ids against graded judgements
// (gain 2^grade - 1, log2 discount, ideal from the judged grades). Unjudged
// ids gain nothing; an id listed twice counts only where it first appears,
// so a ranking cannot score above 1 by repeating a good document. It is 0
// when k < 1 or nothing is judged relevant.
func NDCG(ranked []string, relevant map[string]int, k int) float64 {
	if k < 1 {
		return 0
	}
	var dcg float64
	seen := make(map[string]bool, k)
	for i, id := range ranked[:min(k, len(ranked))] {
		if seen[id] {
			continue
		}
		seen[id] = true
		dcg += gain(relevant[id]) / math.Log2(float64(i+2))
	}
	grades := make([]int, 0, len(relevant))
	for _, g := range relevant {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	var ideal float64
	for i, g := range grades[:min(k, len(grades))] {
		ideal += gain(g) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

func gain(grade int) float64 {
	if grade < 1 {
		return 0
	}
	return math.Exp2(float64(grade)) - 1
}

// Recall returns the share of relevant ids (grade >= 1) found in the first
// k. It is 0 when nothing is judged relevant. A query with more than k
// relevant ids cannot reach 1.
func Recall(ranked []string, relevant map[string]int, k int) float64 {
	total := 0
	for _, g := range relevant {
		if g >= 1 {
			total++
		}
	}
	if total == 0 || k < 1 {
		return 0
	}
	found := 0
	seen := make(map[string]bool, k)
	for _, id := range ranked[:min(k, len(ranked))] {
		if !seen[id] && relevant[id] >= 1 {
			found++
		}
		seen[id] = true
	}
	return float64(found) / float64(total)
}

// Scores are the means of nDCG@k and recall@k over a judged set.
type Scores struct {
	NDCG, Recall float64
	ByKind       map[string][2]float64 // kind -> {nDCG, recall}
	Queries      int
}

// Score averages both over a judged set, given a function that runs one
// query and returns doc ids best first; also per Kind. It stops at the
// first error of run and returns it with the query.
func Score(js []Judgement, k int, run func(query string) ([]string, error)) (Scores, error) {
	s := Scores{ByKind: map[string][2]float64{}, Queries: len(js)}
	if len(js) == 0 {
		return s, nil
	}
	n := map[string]int{}
	for _, j := range js {
		ranked, err := run(j.Query)
		if err != nil {
			return Scores{}, fmt.Errorf("query %q: %w", j.Query, err)
		}
		nd, rc := NDCG(ranked, j.Relevant, k), Recall(ranked, j.Relevant, k)
		s.NDCG += nd
		s.Recall += rc
		sum := s.ByKind[j.Kind]
		s.ByKind[j.Kind] = [2]float64{sum[0] + nd, sum[1] + rc}
		n[j.Kind]++
	}
	s.NDCG /= float64(len(js))
	s.Recall /= float64(len(js))
	for kind, sum := range s.ByKind {
		s.ByKind[kind] = [2]float64{sum[0] / float64(n[kind]), sum[1] / float64(n[kind])}
	}
	return s, nil
}
