package search

import "fmt"

// AblationNames lists what OpenMemAblated can undo.
var AblationNames = ablationNames()

// OpenMemAblated is OpenMem with one decision undone (see ablations).
func OpenMemAblated(variant, ablation string) (*Index, error) {
	v, err := variantNamed(variant)
	if err != nil {
		return nil, err
	}
	undo, ok := ablations[ablation]
	if !ok {
		return nil, fmt.Errorf("unknown ablation %q", ablation)
	}
	undo(&v)
	return openMem(v)
}
