"A method defined outside the package: bias-only fine-tuning (BitFit, Ben Zaken et al. 2022), registered as 'bitfit'"
from dataclasses import dataclass
from behemoth.edit import register_method, LAYER
from behemoth.finetune import FineTune, fit_parameters

@dataclass(frozen=True)
class BitFit(FineTune):
    "Fine-tune only the bias vectors (of `layers`, default all)"
    lr:float=1e-2                                   # biases take larger steps than whole matrices
    @property
    def label(self):
        return ('bitfit' + (f"-L{','.join(map(str, self.layers))}" if self.layers else '')
                + ('' if self.objective.name == 'descent' else f"-{self.objective.name}") + ('-seq' if self.sequential else ''))

@register_method('bitfit', BitFit)
def bitfit(model, editset, cfg, ctx):
    "Train only the bias vectors"
    names = [n for n, _ in model.named_parameters()
             if n.endswith('.bias') and (cfg.layers is None or ((m := LAYER.search(n)) and int(m.group(1)) in cfg.layers))]
    for n, p in model.named_parameters(): p.requires_grad_(n in names)
    return fit_parameters(model, editset, cfg, ctx, names)   # the fine-tuning loop: any objective, sequential or not
